/**
 * "Paid, no order": payments of checkouts that could make no order (the cart was ordered with
 * another payment, or the amount fell short of the cart's total), as the settings page lists
 * them, and their one-click refund through the gateway. A refund runs once per record (a lock
 * and the `refunding` state stop a second click); one whose outcome is unknown (timeout, 5xx)
 * stays `refunding` with a note to check the gateway dashboard, and is never repeated blindly.
 */
import type { MedusaContainer } from "@medusajs/framework/types"
import { MedusaError, Modules } from "@medusajs/framework/utils"
import { formatCents, type GatewayClient } from "../gateway"
import { SecretDecryptionError, type UsdtGatewayModuleService } from "../modules/usdt-gateway"
import { resolveUsdtDeliveryContext } from "../providers/usdt/delivery-context"
import { gatewayCall, USDT_ERROR_CODES } from "../providers/usdt/errors"
import type { CheckoutRecordRow } from "../providers/usdt/session-checkout"

export const LISTED_STATES = ["paid_no_order", "refunding", "refunded"] as const

export interface PaidNoOrderView {
  id: string
  state: string
  payment_session_id: string
  cart_id: string | null
  order_id: string | null
  gateway_payment_id: number | null
  paid: string | null
  detail: string | null
  refund_id: string | null
  settled_at: string | null
}

export function paidNoOrderView(row: CheckoutRecordRow): PaidNoOrderView {
  return {
    id: row.id,
    state: row.state,
    payment_session_id: row.note,
    cart_id: row.cart_id,
    order_id: row.order_id,
    gateway_payment_id: row.gateway_payment_id ? Number(row.gateway_payment_id) : null,
    paid: row.paid_cents === null ? null : formatCents(row.paid_cents),
    detail: row.detail,
    refund_id: row.refund_id,
    settled_at: row.settled_at ? new Date(row.settled_at).toISOString() : null,
  }
}

export async function listPaidNoOrder(settings: UsdtGatewayModuleService): Promise<PaidNoOrderView[]> {
  const rows = await settings.listCheckoutRecords({ state: [...LISTED_STATES], opened: true }, { order: { settled_at: "DESC" }, take: 100 })
  return rows.map(paidNoOrderView)
}

/** The gateway client for the credentials in effect, or a refusal saying the gateway is not connected (nothing refunded). */
async function connectedClient(scope: MedusaContainer): Promise<GatewayClient> {
  try {
    return (await resolveUsdtDeliveryContext(scope)).client
  } catch (error) {
    if (!(error instanceof SecretDecryptionError) && !MedusaError.isMedusaError(error)) throw error
    throw new MedusaError(MedusaError.Types.NOT_ALLOWED, "The USDT gateway is not connected: save the credentials first")
  }
}

async function refundOnce(scope: MedusaContainer, settings: UsdtGatewayModuleService, id: string): Promise<PaidNoOrderView> {
  const [row] = await settings.listCheckoutRecords({ id }, { take: 1 })
  if (!row) throw new MedusaError(MedusaError.Types.NOT_FOUND, `No paid checkout ${id}`)
  if (row.state !== "paid_no_order" || !row.gateway_payment_id || !row.paid_cents) {
    throw new MedusaError(MedusaError.Types.NOT_ALLOWED, `This payment is ${row.state.replace(/_/g, " ")}: there is nothing to refund from here`)
  }
  const client = await connectedClient(scope)
  await settings.updateCheckoutRecords({ id, state: "refunding" })
  const paymentId = Number(row.gateway_payment_id)
  const amountCents = row.paid_cents
  try {
    const refund = await gatewayCall("refund the USDT payment", () =>
      client.refundPayment(paymentId, { amountCents, reason: `Paid, no order (checkout of ${row.note}): refunded from the store admin` })
    )
    const [updated] = await settings.updateCheckoutRecords({ selector: { id }, data: { state: "refunded", refund_id: String(refund.refund_id), detail: `${row.detail ?? "paid, no order"} · refunded ${formatCents(amountCents)} USD (refund ${refund.refund_id}, ${refund.status})` } })
    return paidNoOrderView(updated)
  } catch (error) {
    // Refused, rate limited or bad credentials: nothing was refunded, the admin may try again.
    // Unavailable (timeout, 5xx, network): the outcome is unknown and is not repeated blindly.
    const definite = !(error instanceof MedusaError && error.code === USDT_ERROR_CODES.unavailable)
    await settings.updateCheckoutRecords(
      definite
        ? { id, state: "paid_no_order" }
        : { id, detail: `${row.detail ?? "paid, no order"} · the refund may or may not have been made: check gateway payment ${paymentId} on the gateway dashboard` }
    )
    throw error
  }
}

/** Refunds a "paid, no order" payment in full through the gateway; one at a time per record. */
export async function refundPaidNoOrder(scope: MedusaContainer, settings: UsdtGatewayModuleService, id: string): Promise<PaidNoOrderView> {
  return scope.resolve(Modules.LOCKING).execute(`usdt-paid-no-order-refund:${id}`, () => refundOnce(scope, settings, id), { timeout: 30 })
}
