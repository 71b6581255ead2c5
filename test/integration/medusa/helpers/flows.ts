/**
 * Steps several tests share: a paid checkout whose webhook the sandbox was told to drop (so
 * the test delivers it, or forgeries of it, itself), a paid checkout's settled deliveries, a
 * paid order, and reading an order id.
 */
import type { MedusaContainer } from "@medusajs/framework/types"
import { cartPaymentState, orderCount, paymentCount, type PaymentRow } from "./records"
import type { SandboxControl } from "./sandbox"
import type { Storefront, UsdtCheckout } from "./storefront"

export interface PaidWithoutWebhook {
  checkout: UsdtCheckout
  /** The exact body the gateway would have delivered. */
  body: string
  recordId: number
}

/** Pays a new USDT checkout (optionally a given amount in dollars) while the sandbox drops its webhook. */
export async function paidWithoutWebhook(shop: Storefront, sandbox: SandboxControl, amount?: string): Promise<PaidWithoutWebhook> {
  const checkout = await shop.usdtCheckout()
  await sandbox.setFaults({ webhook_drop_rate: 1 })
  const paid = await sandbox.pay(checkout.checkoutUrl, amount)
  await sandbox.setFaults({})
  if (paid.status !== 200) throw new Error(`sandbox pay → ${paid.status}: ${JSON.stringify(paid.body)}`)
  const dropped = (await sandbox.deliveries()).find((d) => d.status === "dropped")
  if (!dropped) throw new Error("the sandbox did not record the dropped delivery")
  return { checkout, body: dropped.body, recordId: dropped.payment_record_id }
}

/** The sandbox's record of a checkout, once the sandbox has settled its webhook deliveries (delivered, failed or dropped). */
export async function settledRecord(sandbox: SandboxControl, checkout: UsdtCheckout) {
  const record = await sandbox.paymentByNote(checkout.session.id)
  if (!record) throw new Error(`no sandbox record for the checkout of session ${checkout.session.id}`)
  return { record, deliveries: await sandbox.settledDeliveries(record.id) }
}

/** Pays a new USDT checkout in full and waits for the webhook to have made the order. */
export async function paidOrder(
  container: MedusaContainer,
  shop: Storefront,
  sandbox: SandboxControl
): Promise<{ checkout: UsdtCheckout; payment: PaymentRow; recordId: number; orderId: string }> {
  const checkout = await shop.usdtCheckout()
  await sandbox.pay(checkout.checkoutUrl)
  const { record } = await settledRecord(sandbox, checkout)
  const state = await cartPaymentState(container, checkout.cartId)
  if (state.orderIds.length !== 1 || state.payments.length !== 1) {
    throw new Error(`expected one order and one payment, got ${JSON.stringify(state)}`)
  }
  return { checkout, payment: state.payments[0], recordId: record.id, orderId: state.orderIds[0] }
}

/** No order and no payment anywhere in the store, and none for this cart. */
export async function expectNothingHappened(container: MedusaContainer, cartId: string): Promise<void> {
  const state = await cartPaymentState(container, cartId)
  expect(state.orderIds).toEqual([])
  expect(state.payments).toEqual([])
  expect(await orderCount(container)).toBe(0)
  expect(await paymentCount(container)).toBe(0)
}

/** The order id of a POST /store/carts/:id/complete answer of type "order". */
export function orderIdOf(data: unknown): string | undefined {
  if (typeof data !== "object" || data === null) return undefined
  const order: unknown = "order" in data ? data.order : undefined
  return typeof order === "object" && order !== null && "id" in order && typeof order.id === "string" ? order.id : undefined
}
