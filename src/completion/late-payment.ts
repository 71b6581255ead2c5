/**
 * Payments of checkouts whose Medusa session is gone (Medusa hard-deletes a session when the
 * cart changes or a session is re-created). The checkout records (usdt_gateway) remember
 * which payment collection, and so which cart, each note belongs to:
 *
 *   - another session of the cart reuses the checkout           → complete through that session;
 *   - the cart is open and the payment covers its total         → the cart's USDT session adopts
 *     the paid checkout (or a new session is made for it), then completes as usual;
 *   - the cart was ordered otherwise, or the amount falls short → "paid, no order": shown on the
 *     settings page and in the reconciliation report, with a one-click refund.
 */
import type { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, Modules } from "@medusajs/framework/utils"
import { createPaymentSessionsWorkflow } from "@medusajs/medusa/core-flows"
import { z } from "zod"
import { formatCents } from "../gateway"
import type { UsdtGatewayModuleService } from "../modules/usdt-gateway"
import type { CheckoutRecordState } from "../modules/usdt-gateway/models"
import { usdtGatewayIn } from "../modules/usdt-gateway/saved-credentials"
import { centsOf } from "../providers/usdt/checkout"
import type { CheckoutRecordRow } from "../providers/usdt/session-checkout"
import { findCartOfCollection, findOrderOfCart, findPaymentSession, type SessionRecord } from "./payment-records"
import type { UsdtPaymentNotice } from "./payment-notice"

export type LateResolution =
  | { session: SessionRecord }
  | { outcome: "session_not_found" | "paid_no_order" | "already_completed"; detail: string; cart_id?: string; order_id?: string }

const collectionSchema = z.looseObject({
  id: z.string(),
  amount: z.union([z.number(), z.string()]),
  currency_code: z.string(),
  payment_sessions: z.array(z.looseObject({ id: z.string(), provider_id: z.string(), status: z.string(), amount: z.union([z.number(), z.string()]), data: z.record(z.string(), z.unknown()).nullish() }).nullable()).default([]),
})

const SETTLED: ReadonlySet<CheckoutRecordState> = new Set(["paid_no_order", "refunding", "refunded"])

async function openerOf(ledger: UsdtGatewayModuleService, note: string): Promise<{ opener?: CheckoutRecordRow; others: CheckoutRecordRow[] }> {
  const rows = await ledger.listCheckoutRecords({ note }, { order: { opened_at: "DESC" } })
  return { opener: rows.find((row) => row.opened), others: rows.filter((row) => !row.opened) }
}

/** Marks the checkout of `note` as paid without an order (idempotent; keeps a refund under way). */
export async function markPaidNoOrder(ledger: UsdtGatewayModuleService, row: CheckoutRecordRow, notice: UsdtPaymentNotice, detail: string, extra: { cart_id?: string | null; order_id?: string | null } = {}): Promise<void> {
  if (SETTLED.has(row.state)) return
  await ledger.updateCheckoutRecords({
    id: row.id,
    state: "paid_no_order",
    gateway_payment_id: String(notice.gatewayPaymentId),
    paid_cents: notice.paidCents,
    detail,
    settled_at: new Date(),
    ...(extra.cart_id ? { cart_id: extra.cart_id } : {}),
    ...(extra.order_id ? { order_id: extra.order_id } : {}),
  })
}

/** Records what the completion path did with the checkout of `note` (completed, or paid without an order). */
export async function recordCheckoutOutcome(container: MedusaContainer, note: string, notice: UsdtPaymentNotice, outcome: { kind: "completed" | "paid_no_order"; detail?: string; cart_id?: string; order_id?: string }): Promise<void> {
  const ledger = usdtGatewayIn(container)
  if (!ledger) return
  const { opener } = await openerOf(ledger, note)
  if (!opener) return
  if (outcome.kind === "paid_no_order") {
    await markPaidNoOrder(ledger, opener, notice, outcome.detail ?? "paid, but no order was made with it", outcome)
    return
  }
  if (opener.state === "completed" || SETTLED.has(opener.state)) return
  await ledger.updateCheckoutRecords({
    id: opener.id,
    state: "completed",
    gateway_payment_id: String(notice.gatewayPaymentId),
    paid_cents: notice.paidCents,
    settled_at: new Date(),
    ...(outcome.cart_id ? { cart_id: outcome.cart_id } : {}),
    ...(outcome.order_id ? { order_id: outcome.order_id } : {}),
  })
}

/** The cart's USDT session that takes the paid checkout: its current one, else a new one (no gateway call: it adopts). */
async function adoptingSession(container: MedusaContainer, collectionId: string, providerId: string): Promise<string | null> {
  const query = container.resolve(ContainerRegistrationKeys.QUERY)
  const { data } = await query.graph({
    entity: "payment_collection",
    fields: ["id", "amount", "currency_code", "payment_sessions.id", "payment_sessions.provider_id", "payment_sessions.status", "payment_sessions.amount", "payment_sessions.data"],
    filters: { id: collectionId },
  })
  const collection = collectionSchema.parse(Array.isArray(data) ? data[0] : undefined)
  const paymentModule = container.resolve(Modules.PAYMENT)
  const current = collection.payment_sessions.find((s) => s?.provider_id === providerId && (s.status === "pending" || s.status === "requires_more"))
  if (current) {
    await paymentModule.updatePaymentSession({ id: current.id, amount: current.amount, currency_code: collection.currency_code, data: current.data ?? {} })
    return current.id
  }
  // As the storefront would: Medusa's workflow replaces the collection's other sessions (the shopper paid with USDT).
  const { result } = await createPaymentSessionsWorkflow(container).run({ input: { payment_collection_id: collection.id, provider_id: providerId, data: {} } })
  return result.id
}

async function collectionTotalCents(container: MedusaContainer, collectionId: string): Promise<number> {
  const query = container.resolve(ContainerRegistrationKeys.QUERY)
  const { data } = await query.graph({ entity: "payment_collection", fields: ["id", "amount", "currency_code"], filters: { id: collectionId } })
  return centsOf(collectionSchema.pick({ amount: true }).parse(Array.isArray(data) ? data[0] : undefined).amount)
}

/** What to do with a paid checkout whose note names a session that no longer exists. */
export async function resolveReplacedSession(container: MedusaContainer, note: string, notice: UsdtPaymentNotice, providerId: string): Promise<LateResolution> {
  const gone = {
    outcome: "session_not_found" as const,
    detail: "paid for a checkout this store opened, but its payment session was since deleted and no record ties it to a cart; needs a manual refund or order",
  }
  const ledger = usdtGatewayIn(container)
  if (!ledger) return gone
  const { opener, others } = await openerOf(ledger, note)
  if (!opener) return gone
  if (SETTLED.has(opener.state)) return { outcome: "paid_no_order", detail: opener.detail ?? "paid, no order", cart_id: opener.cart_id ?? undefined }
  for (const row of others) {
    const session = await findPaymentSession(container, row.session_id)
    if (session && session.provider_id === providerId) return { session }
  }
  const cartId = await findCartOfCollection(container, opener.payment_collection_id)
  const noOrder = async (detail: string, orderId?: string): Promise<LateResolution> => {
    await markPaidNoOrder(ledger, opener, notice, detail, { cart_id: cartId, order_id: orderId })
    return { outcome: "paid_no_order", detail, ...(cartId ? { cart_id: cartId } : {}), ...(orderId ? { order_id: orderId } : {}) }
  }
  if (!cartId) return noOrder("paid for a checkout whose payment collection belongs to no cart: refund it")
  return container.resolve(Modules.LOCKING).execute(`usdt-adopt:${cartId}`, async (): Promise<LateResolution> => {
    const orderId = await findOrderOfCart(container, cartId)
    if (orderId) {
      if (opener.state === "completed" && opener.order_id === orderId) return { outcome: "already_completed", detail: "already the order's payment", cart_id: cartId, order_id: orderId }
      return noOrder(`paid ${formatCents(notice.paidCents)} USD for a checkout of cart ${cartId}, which was ordered with another payment: refund it`, orderId)
    }
    const totalCents = await collectionTotalCents(container, opener.payment_collection_id)
    if (notice.paidCents < totalCents) {
      return noOrder(`paid ${formatCents(notice.paidCents)} USD for an earlier checkout of cart ${cartId}, less than its total of ${formatCents(totalCents)} USD: refund it or settle with the customer`)
    }
    await ledger.updateCheckoutRecords({ id: opener.id, state: "paid", gateway_payment_id: String(notice.gatewayPaymentId), paid_cents: notice.paidCents, cart_id: cartId })
    const sessionId = await adoptingSession(container, opener.payment_collection_id, providerId)
    const session = sessionId ? await findPaymentSession(container, sessionId) : null
    return session ? { session } : gone
  }, { timeout: 30 })
}
