/**
 * What the database says about a cart's payment, read through Query: its order, its payment
 * sessions, and its payments with their captures and refunds. Tests assert on these rows.
 */
import type { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, Modules } from "@medusajs/framework/utils"
import { z } from "zod"

const amount = z.union([z.number(), z.string()]).transform(Number)
const row = z.looseObject({ id: z.string(), amount })
const paymentRow = z.looseObject({
  id: z.string(),
  amount,
  provider_id: z.string(),
  captured_at: z.union([z.string(), z.date()]).nullish(),
  canceled_at: z.union([z.string(), z.date()]).nullish(),
  data: z.record(z.string(), z.unknown()).nullish(),
  captures: z.array(row).default([]),
  refunds: z.array(row).default([]),
})
const sessionRow = z.looseObject({
  id: z.string(),
  provider_id: z.string(),
  status: z.string(),
  data: z.record(z.string(), z.unknown()).nullish(),
})
const cartRow = z.looseObject({
  id: z.string(),
  completed_at: z.union([z.string(), z.date()]).nullish(),
  payment_collection: z
    .looseObject({
      id: z.string(),
      status: z.string(),
      payment_sessions: z.array(sessionRow).default([]),
      payments: z.array(paymentRow).default([]),
    })
    .nullish(),
})

export type PaymentRow = z.infer<typeof paymentRow>
export type SessionRow = z.infer<typeof sessionRow>

export interface CartPaymentState {
  orderIds: string[]
  completedAt: unknown
  collectionStatus?: string
  sessions: SessionRow[]
  payments: PaymentRow[]
  captures: number
}

/** The cart's fields `cartRow` reads: the cart, its collection, sessions, payments, captures and refunds. */
const CART_FIELDS = ["id", "completed_at", ...["id", "status", "payment_sessions.*", "payments.*", "payments.captures.*", "payments.refunds.*"].map((field) => `payment_collection.${field}`)]

export async function cartPaymentState(container: MedusaContainer, cartId: string): Promise<CartPaymentState> {
  const query = container.resolve(ContainerRegistrationKeys.QUERY)
  const { data: carts } = await query.graph({ entity: "cart", fields: CART_FIELDS, filters: { id: cartId } })
  const cart = cartRow.parse(carts[0])
  const { data: links } = await query.graph({ entity: "order_cart", fields: ["order_id"], filters: { cart_id: cartId } })
  const orderIds = z.array(z.looseObject({ order_id: z.string() })).parse(links).map((link) => link.order_id)
  const payments = cart.payment_collection?.payments ?? []
  return {
    orderIds,
    completedAt: cart.completed_at ?? null,
    collectionStatus: cart.payment_collection?.status,
    sessions: cart.payment_collection?.payment_sessions ?? [],
    payments,
    captures: payments.reduce((sum, payment) => sum + payment.captures.length, 0),
  }
}

/** Every order in the store (each test starts from a restored database). */
export async function orderCount(container: MedusaContainer): Promise<number> {
  const orders = await container.resolve(Modules.ORDER).listOrders({}, { select: ["id"] })
  return orders.length
}

/** Every payment row in the store. */
export async function paymentCount(container: MedusaContainer): Promise<number> {
  const payments = await container.resolve(Modules.PAYMENT).listPayments({}, { select: ["id"] })
  return payments.length
}
