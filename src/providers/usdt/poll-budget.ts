/**
 * Why the provider is asked about a payment, and what that may cost in gateway requests.
 *
 * - A confirmation (the webhook route or reconciliation, through completeUsdtPayment) names the
 *   gateway record it saw in the authorization context: one `GET payments/{id}`, at the top of
 *   the merchant's budget (reconciliation at the bottom), made with the client the delivery
 *   already resolved (delivery-context.ts) when the context carries it.
 * - Anything else is a storefront poll (`POST /store/carts/:id/complete` → authorizePayment,
 *   getPaymentStatus). A poll costs at most one gateway request per session per interval
 *   (`storefrontPollIntervalMs`, default 15 s), counted from the last poll that asked; between
 *   those it answers from what the session data already says. The first poll asks: a shopper
 *   back from paying then gets the order at once, and the webhook finds it made (no request).
 *   Medusa saves the data of a pending answer, so the time of the last check survives across
 *   requests and instances.
 */
import { PaymentSessionStatus } from "@medusajs/framework/utils"
import { z } from "zod"
import type { GatewayClient } from "../../gateway"

export const DEFAULT_STOREFRONT_POLL_INTERVAL_MS = 15_000
/**
 * Longest a poll waits for a budget slot: it holds the cart's lock meanwhile, which the webhook
 * that would make the order needs. Past it, it answers from what the store knows and the webhook
 * or the next poll brings the news. (2 s let polls starve webhooks of the lock in an overload.)
 */
export const POLL_MAX_QUEUE_MS = 250

/** A live client object (never something a JSON body could hold: it has methods). */
const clientSchema = z.custom<GatewayClient>(
  (value) => typeof value === "object" && value !== null && typeof Reflect.get(value, "getPayment") === "function"
)

const confirmationSchema = z.looseObject({
  usdt_gateway_record_id: z.number().int().positive(),
  usdt_confirmed_by: z.enum(["webhook", "reconcile"]),
  /** Dropped when it is not a live client: the provider then resolves its own. */
  usdt_gateway_client: clientSchema.optional().catch(undefined),
})

export type CheckReason =
  | { kind: "confirmation"; recordId: number; priority: "confirm" | "reconcile"; client?: GatewayClient }
  | { kind: "poll" }

/**
 * The authorization context completeUsdtPayment passes: the record a verified source named, and
 * the gateway client its delivery context resolved (so the provider does not read the
 * credentials again).
 */
export function confirmationContext(recordId: number, source: "webhook" | "reconcile", client?: GatewayClient): Record<string, unknown> {
  return { usdt_gateway_record_id: recordId, usdt_confirmed_by: source, ...(client ? { usdt_gateway_client: client } : {}) }
}

/** The storefront cannot set the authorization context: without our keys, it is a poll. */
export function checkReasonOf(context: unknown): CheckReason {
  const parsed = confirmationSchema.safeParse(context ?? {})
  if (!parsed.success) return { kind: "poll" }
  const { usdt_gateway_record_id: recordId, usdt_confirmed_by: source, usdt_gateway_client: client } = parsed.data
  return { kind: "confirmation", recordId, priority: source === "webhook" ? "confirm" : "reconcile", ...(client ? { client } : {}) }
}

const pollFactsSchema = z.looseObject({
  checked_at: z.string().optional(),
  gateway_status: z.string().optional(),
  flags: z.record(z.string(), z.unknown()).optional(),
})

const PAID = new Set(["completed", "refunded", "partially_refunded"])

function timeOf(iso: string | undefined): number {
  const at = iso ? Date.parse(iso) : Number.NaN
  return Number.isNaN(at) ? Number.NEGATIVE_INFINITY : at
}

/**
 * The answer to a poll that may not ask the gateway yet, or undefined when it may (the interval
 * since the last contact passed, or the data says paid, which a poll must not leave unconfirmed).
 */
export function answerBetweenPolls(
  data: Record<string, unknown> | null | undefined,
  now: number,
  intervalMs: number
): { status: PaymentSessionStatus; data: Record<string, unknown> } | undefined {
  const facts = pollFactsSchema.safeParse(data ?? {})
  if (!facts.success) return undefined
  const { checked_at, gateway_status, flags } = facts.data
  const lastContact = timeOf(checked_at)
  if (now - lastContact >= intervalMs || lastContact > now) return undefined
  if (flags?.underpaid) return { status: PaymentSessionStatus.REQUIRES_MORE, data: data ?? {} }
  if (gateway_status && PAID.has(gateway_status)) return undefined
  return { status: PaymentSessionStatus.PENDING, data: data ?? {} }
}

/** The data to keep after a poll that asked the gateway. */
export function withCheckTime(data: Record<string, unknown>, now: number): Record<string, unknown> {
  return { ...data, checked_at: new Date(now).toISOString() }
}

/**
 * A poll whose turn to ask found no budget slot within POLL_MAX_QUEUE_MS: "pending", and its
 * turn counts as taken, so the polls of the next interval are answered from the session data
 * (before any workflow runs, src/api/store/usdt-complete-poll.ts) instead of each running the
 * cart completion and waiting for a slot again while the budget is spent; the webhook's
 * confirmation, first in the budget, brings the news meanwhile.
 */
export function pendingWithoutSlot(data: Record<string, unknown> | null | undefined, now: number): { status: PaymentSessionStatus; data: Record<string, unknown> } {
  return { status: PaymentSessionStatus.PENDING, data: withCheckTime(data ?? {}, now) }
}
