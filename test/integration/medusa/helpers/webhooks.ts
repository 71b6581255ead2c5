/**
 * Webhook deliveries the tests make themselves: signed exactly as the gateway signs (the
 * core's signWebhook), or forged in precisely the way a test means to forge them. The store
 * answers a verified delivery 200 `{ outcome: "queued", delivery_id }` once it is recorded and
 * processes it afterwards: sendSettled sends and waits for the delivery row's settled outcome.
 */
import type { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { findCartOfCollection, findOrderOfCart, findPaymentSession } from "../../../../src/completion/payment-records"
import { pageWebhookExample, signWebhook } from "../../../../src/gateway"
import { USDT_GATEWAY_MODULE, type UsdtGatewayModuleService, type WebhookDeliveryRecord } from "../../../../src/modules/usdt-gateway"
import { type SandboxControl, STORE_MERCHANT } from "./sandbox"

export interface WebhookAnswer {
  status: number
  body: Record<string, unknown>
}

export async function postWebhook(medusaUrl: string, body: string, headers: Record<string, string>): Promise<WebhookAnswer> {
  const response = await fetch(`${medusaUrl}/hooks/usdt`, { method: "POST", headers, body })
  const text = await response.text()
  let parsed: unknown = {}
  try {
    parsed = JSON.parse(text)
  } catch {
    parsed = { text }
  }
  return { status: response.status, body: typeof parsed === "object" && parsed !== null ? { ...parsed } : { value: parsed } }
}

/** Signs `body` (an object or the exact text) with the store merchant's secret unless told otherwise. */
export function signed(body: string | object, options: { secret?: string; timestamp?: number } = {}) {
  return signWebhook({
    body,
    secrets: options.secret ?? STORE_MERCHANT.webhookSecret,
    timestamp: options.timestamp,
    apiKey: STORE_MERCHANT.apiKey,
  })
}

export async function sendSigned(medusaUrl: string, body: string | object, options: { secret?: string; timestamp?: number } = {}) {
  const webhook = signed(body, options)
  return postWebhook(medusaUrl, webhook.body, webhook.headers)
}

/** A payment.completed body as the gateway sends it, for a note and amounts in dollars. */
export function completedEvent(fields: {
  paymentRecordId: number
  note: string | null
  amount: string
  totalAmount?: string
  merchantId?: number
  currency?: string
  event?: string
}) {
  return pageWebhookExample({
    event: fields.event ?? "payment.completed",
    merchant_id: fields.merchantId ?? STORE_MERCHANT.id,
    amount: fields.amount,
    total_amount: fields.totalAmount ?? fields.amount,
    currency: fields.currency ?? "USD",
    bybit_pay_id: "test-bybit",
    merchant_trade_no: "test-trade",
    note: fields.note,
    payment_record_id: fields.paymentRecordId,
    paid_at: new Date().toISOString(),
  })
}

const SETTLE_TIMEOUT_MS = 60_000
const POLL_MS = 50
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** A delivery row is settled once it is no longer `queued` and no processing holds it (in-process retries hold it). */
function isSettled(row: WebhookDeliveryRecord): boolean {
  return row.outcome !== "queued" && row.claimed_at === null
}

/** Waits until the delivery row `id` is settled; answers it. */
export async function settledDelivery(container: MedusaContainer, id: string, timeoutMs = SETTLE_TIMEOUT_MS): Promise<WebhookDeliveryRecord> {
  const settings = container.resolve<UsdtGatewayModuleService>(USDT_GATEWAY_MODULE)
  const until = Date.now() + timeoutMs
  for (;;) {
    const row = await settings.retrieveWebhookDelivery(id)
    if (!row) throw new Error(`no delivery row ${id}`)
    if (isSettled(row)) return row
    if (Date.now() > until) throw new Error(`delivery ${id} not settled: ${row.outcome}, claimed at ${String(row.claimed_at)}`)
    await sleep(POLL_MS)
  }
}

/** Waits until no verified delivery is `queued` or held by a processing (what the store acknowledged is processed). */
export async function deliveriesProcessed(container: MedusaContainer, timeoutMs = SETTLE_TIMEOUT_MS): Promise<void> {
  const db = container.resolve(ContainerRegistrationKeys.PG_CONNECTION)
  const until = Date.now() + timeoutMs
  for (;;) {
    const { rows } = await db.raw(
      `select count(*)::int as n from usdt_webhook_delivery where deleted_at is null and verified and (outcome = 'queued' or claimed_at is not null)`
    )
    if (rows[0].n === 0) return
    if (Date.now() > until) throw new Error(`${rows[0].n} webhook deliveries still unprocessed`)
    await sleep(POLL_MS)
  }
}

export interface SettledAnswer extends WebhookAnswer {
  /** What the route answered (for a verified delivery: `{ outcome: "queued", delivery_id }`). */
  answer: WebhookAnswer
  /** The delivery row once settled, when the route recorded one. */
  delivery?: WebhookDeliveryRecord
}

/** The order a session's cart has, if any. */
async function orderOfSession(container: MedusaContainer, sessionId: string | null): Promise<string | undefined> {
  if (!sessionId?.startsWith("payses_")) return undefined
  const session = await findPaymentSession(container, sessionId)
  const cartId = session ? await findCartOfCollection(container, session.payment_collection_id) : null
  return (cartId && (await findOrderOfCart(container, cartId))) || undefined
}

/**
 * An answer of /hooks/usdt with, for a queued delivery, the outcome its processing settled on
 * in its body (as the route answered before it processed after answering): `outcome`, `reason` and `detail`
 * (the completion's detail), `delivery_id`, `payment_session_id` (a session note) and for a
 * completion `order_id` (the session's cart's order).
 */
export async function settle(container: MedusaContainer, answer: WebhookAnswer): Promise<SettledAnswer> {
  const id = answer.body.delivery_id
  if (answer.status !== 200 || answer.body.outcome !== "queued" || typeof id !== "string") return { ...answer, answer }
  const delivery = await settledDelivery(container, id)
  // The row's reason is the completion's detail.
  const body: Record<string, unknown> = { delivery_id: id, outcome: delivery.outcome, reason: delivery.reason, detail: delivery.reason }
  if (delivery.note?.startsWith("payses_")) body.payment_session_id = delivery.note
  if (delivery.outcome === "completed" || delivery.outcome === "already_completed") body.order_id = await orderOfSession(container, delivery.note)
  return { status: answer.status, body, answer, delivery }
}

/** sendSigned, then waits for the delivery's settled outcome (see settle). */
export async function sendSettled(container: MedusaContainer, medusaUrl: string, body: string | object, options: { secret?: string; timestamp?: number } = {}) {
  return settle(container, await sendSigned(medusaUrl, body, options))
}

/**
 * For a suite without useShop: the sandbox's settledDeliveries also waits until the store has
 * processed what it acknowledged (the store answers before it processes).
 */
export function useProcessedDeliveries(harness: { readonly sandbox: SandboxControl }, getContainer: () => MedusaContainer): void {
  beforeAll(() => {
    harness.sandbox.afterDeliveries = () => deliveriesProcessed(getContainer())
  })
}
