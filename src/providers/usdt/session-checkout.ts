/**
 * Gives a USDT payment session its gateway checkout, as planCheckout decides from the checkout
 * records of the session's payment collection, and records the session → collection →
 * checkout row that outlives Medusa's session (Medusa hard-deletes a replaced session).
 * Without the usdt_gateway module (or a session Medusa cannot place) every session opens its own
 * checkout, as before.
 */
import { MedusaError } from "@medusajs/framework/utils"
import type { Cents, GatewayClient } from "../../gateway"
import type { UsdtGatewayModuleService } from "../../modules/usdt-gateway"
import type { CheckoutRecord } from "../../modules/usdt-gateway/models"
import type { InferTypeOf } from "@medusajs/framework/types"
import { openCheckout } from "./checkout"
import { type CheckoutRecordFacts, planCheckout } from "./checkout-plan"
import { DEFAULT_MAX_CHECKOUTS_PER_CART_PER_HOUR, type UsdtProviderOptions } from "./options"
import type { StorefrontUrls } from "./storefront-data"
import { retrieveModuleRow } from "./module-rows"

export type CheckoutRecordRow = InferTypeOf<typeof CheckoutRecord>

/** The cart opened its hourly share of gateway checkouts (a 429 at the store API). */
export class CheckoutLimitError extends MedusaError {
  static readonly code = "usdt_checkout_limit"
  readonly retryAfterMs: number
  constructor(retryAfterMs: number, maxPerHour: number) {
    super(
      MedusaError.Types.NOT_ALLOWED,
      `This cart opened ${maxPerHour} USDT checkouts in the last hour, the most allowed: ` +
        `use the checkout already opened, or try again in ${Math.ceil(retryAfterMs / 60_000)} min.`,
      CheckoutLimitError.code
    )
    this.retryAfterMs = retryAfterMs
  }
}

export interface SessionCheckoutDeps {
  client: () => Promise<GatewayClient>
  options: UsdtProviderOptions
  ledger: UsdtGatewayModuleService | null
  /** The payment collection of a Medusa payment session, or null. */
  collectionOf: (sessionId: string) => Promise<string | null>
}

export interface SessionCheckoutInput {
  sessionId: string
  amountCents: Cents
  urls: StorefrontUrls
  /** 0 for a session's first checkout, then 1, 2… for renewals (part of the Idempotency-Key). */
  attempt: number
  /** The attempt the session data shows when no checkout is opened (kept, reused, adopted). */
  currentAttempt: number
}

const iso = (value: Date | string) => new Date(value).toISOString()

/** Session data of a checkout another record describes (kept, reused or adopted). */
function dataOf(record: CheckoutRecordRow, input: SessionCheckoutInput, adopted: boolean): Record<string, unknown> {
  return {
    session_id: input.sessionId,
    checkout_url: record.checkout_url,
    checkout_note: record.note,
    expires_at: iso(record.expires_at),
    opened_at: iso(record.opened_at),
    amount_cents: input.amountCents,
    checkout_attempt: input.currentAttempt,
    ...(record.success_url ? { success_url: record.success_url } : {}),
    ...(record.cancel_url ? { cancel_url: record.cancel_url } : {}),
    ...(adopted && record.gateway_payment_id ? { gateway_payment_id: Number(record.gateway_payment_id) } : {}),
  }
}

/** The fields a session's own row gets when its checkout is opened, reused or adopted. */
type OwnRow = Pick<
  CheckoutRecordRow,
  "session_id" | "payment_collection_id" | "note" | "opened" | "amount_cents" | "checkout_url" | "expires_at" | "opened_at" | "success_url" | "cancel_url" | "state"
>

/**
 * `records` are every row of the session's payment collection, and a session's row is always
 * written with that collection: a session without a row among them has none (no second read).
 */
async function upsertOwnRow(ledger: UsdtGatewayModuleService, records: readonly CheckoutRecordRow[], row: OwnRow): Promise<void> {
  const own = records.find((record) => record.session_id === row.session_id)
  if (own) await ledger.updateCheckoutRecords({ id: own.id, ...row })
  else await ledger.createCheckoutRecords(row)
}

export async function sessionCheckout(deps: SessionCheckoutDeps, input: SessionCheckoutInput): Promise<Record<string, unknown>> {
  // The credentials are read while the checkout records are (they are needed whenever a
  // checkout is opened, the common case): one database round trip less on the shopper's wait.
  // A failed read is only thrown where the client is needed.
  const client = deps.client()
  client.catch(() => undefined)
  const open = async () => {
    const data = await openCheckout(await client, deps.options, {
      sessionId: input.sessionId,
      amountCents: input.amountCents,
      attempt: input.attempt,
      storefrontSuccessUrl: input.urls.successUrl,
      storefrontCancelUrl: input.urls.cancelUrl,
    })
    return { ...data, checkout_note: input.sessionId }
  }
  const ledger = deps.ledger
  const collectionId = ledger ? await deps.collectionOf(input.sessionId) : null
  if (!ledger || !collectionId) return open()

  const records = await ledger.listCheckoutRecords({ payment_collection_id: collectionId })
  const maxPerHour = deps.options.maxCheckoutsPerCartPerHour ?? DEFAULT_MAX_CHECKOUTS_PER_CART_PER_HOUR
  const plan = planCheckout<CheckoutRecordRow & CheckoutRecordFacts>(records, { sessionId: input.sessionId, amountCents: input.amountCents, maxPerHour })
  if (plan.kind === "limited") throw new CheckoutLimitError(plan.retryAfterMs, maxPerHour)
  if (plan.kind === "open") {
    const data = await open()
    await upsertOwnRow(ledger, records, {
      session_id: input.sessionId,
      payment_collection_id: collectionId,
      note: input.sessionId,
      opened: true,
      amount_cents: input.amountCents,
      checkout_url: String(data.checkout_url),
      expires_at: new Date(String(data.expires_at)),
      opened_at: new Date(String(data.opened_at)),
      success_url: data.success_url ?? null,
      cancel_url: data.cancel_url ?? null,
      state: "open",
    })
    return data
  }
  const record = plan.record
  if (plan.kind !== "keep") {
    await upsertOwnRow(ledger, records, {
      session_id: input.sessionId,
      payment_collection_id: collectionId,
      note: record.note,
      opened: false,
      amount_cents: input.amountCents,
      checkout_url: record.checkout_url,
      expires_at: new Date(record.expires_at),
      opened_at: new Date(record.opened_at),
      success_url: record.success_url,
      cancel_url: record.cancel_url,
      state: "open",
    })
  }
  return dataOf(record, input, plan.kind === "adopt")
}

/**
 * The payment collection of a session, read through the payment module's own session service
 * (the provider lives in that module's container, which has no Query). The session row is
 * written before Medusa asks the provider to initiate it.
 */
export function collectionReader(cradle: Record<string, unknown>): (sessionId: string) => Promise<string | null> {
  return async (sessionId) => {
    const row = await retrieveModuleRow(cradle, "paymentSessionService", sessionId, ["id", "payment_collection_id"])
    const id = typeof row === "object" && row !== null ? Reflect.get(row, "payment_collection_id") : undefined
    return typeof id === "string" ? id : null
  }
}

/** The gateway says the checkout of `note` expired (earlier than it said it would): never hand it out again. */
export async function expireCheckoutRecord(ledger: UsdtGatewayModuleService | null, note: string, now: Date = new Date()): Promise<void> {
  if (!ledger) return
  const [opener] = await ledger.listCheckoutRecords({ note, opened: true }, { take: 1 })
  if (opener && opener.state === "open" && new Date(opener.expires_at).getTime() > now.getTime()) {
    await ledger.updateCheckoutRecords({ id: opener.id, expires_at: now })
  }
}
