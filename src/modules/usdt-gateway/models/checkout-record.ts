import { model } from "@medusajs/framework/utils"

/**
 * What a checkout record can be in, seen from the money:
 *   open           the checkout may still be paid (or expired unpaid: nothing to do)
 *   paid           paid while its own session was gone; waiting for the cart's session to take it
 *   completed      its payment is the cart's payment (an order was made with it)
 *   paid_no_order  paid, but no order can be made with it (cart ordered otherwise, amount short):
 *                  shown to the admin with a refund button
 *   refunding      the admin's refund is under way (a second click does nothing)
 *   refunded       refunded through the gateway
 */
export const CHECKOUT_RECORD_STATES = ["open", "paid", "completed", "paid_no_order", "refunding", "refunded"] as const
export type CheckoutRecordState = (typeof CHECKOUT_RECORD_STATES)[number]

/**
 * One Medusa payment session of the USDT provider and the gateway checkout it sends the shopper
 * to: the session → payment collection (→ cart) record that outlives Medusa's session (Medusa
 * hard-deletes a replaced session), so that a late payment of any checkout opened for a cart
 * can still find that cart. A session that reuses an open checkout of the same cart and amount
 * has its own row with the `note` of the session that opened it and `opened` false.
 */
export const CheckoutRecord = model
  .define("usdt_checkout_record", {
    id: model.id({ prefix: "usdtco" }).primaryKey(),
    /** The Medusa payment session (payses_…). */
    session_id: model.text(),
    payment_collection_id: model.text(),
    /** The cart of the payment collection, once known (filled by the completion path). */
    cart_id: model.text().nullable(),
    /** The gateway checkout's note: the id of the session that opened it. */
    note: model.text(),
    /** This session opened the checkout (it counts toward the cart's hourly cap). */
    opened: model.boolean().default(true),
    /** What the checkout asks, in cents. */
    amount_cents: model.number(),
    checkout_url: model.text(),
    expires_at: model.dateTime(),
    opened_at: model.dateTime(),
    success_url: model.text().nullable(),
    cancel_url: model.text().nullable(),
    state: model.enum([...CHECKOUT_RECORD_STATES]).default("open"),
    /** Set once the gateway reports the checkout paid. */
    gateway_payment_id: model.text().nullable(),
    paid_cents: model.number().nullable(),
    order_id: model.text().nullable(),
    /** Why it is in its state, in words an admin understands. Never a secret. */
    detail: model.text().nullable(),
    refund_id: model.text().nullable(),
    settled_at: model.dateTime().nullable(),
  })
  .indexes([
    { on: ["session_id"], unique: true },
    { on: ["payment_collection_id", "opened_at"] },
    { on: ["note"] },
    { on: ["state"] },
  ])

export default CheckoutRecord
