import { model } from "@medusajs/framework/utils"

/**
 * pending: reserved, the gateway call is under way. completed: the gateway made it.
 * uncertain: no answer (timeout, connection lost, a 5xx that does not say it did nothing): the
 * gateway may have made it; settled by asking the gateway. not_made: the gateway did not make it.
 */
export const REFUND_LEDGER_STATUSES = ["pending", "completed", "uncertain", "not_made"] as const
export type RefundLedgerStatus = (typeof REFUND_LEDGER_STATUSES)[number]

/** refund: Medusa's refund of the order (POST /admin/payments/:id/refund). excess: an overpayment's excess, outside Medusa's totals. */
export const REFUND_LEDGER_KINDS = ["refund", "excess"] as const
export type RefundLedgerKind = (typeof REFUND_LEDGER_KINDS)[number]

/**
 * The plugin's own ledger of gateway refunds: one row per refund sent (or about to be sent) to
 * the gateway, written before the call and settled after it, never by read-modify-write of a
 * payment's `data`.
 */
export const RefundLedgerRow = model
  .define("usdt_refund", {
    id: model.id({ prefix: "usdtref" }).primaryKey(),
    /** The gateway's payment record id. */
    gateway_payment_id: model.text(),
    /** Medusa's payment session (the checkout's note) and, when known, Medusa's payment. */
    payment_session_id: model.text().nullable(),
    payment_id: model.text().nullable(),
    /** Medusa's refund this row pays out (its id derives the Idempotency-Key); null for an excess refund. */
    medusa_refund_id: model.text().nullable(),
    kind: model.enum([...REFUND_LEDGER_KINDS]).default("refund"),
    amount_cents: model.number(),
    status: model.enum([...REFUND_LEDGER_STATUSES]).default("pending"),
    gateway_refund_id: model.text().nullable(),
    idempotency_key: model.text(),
    reason: model.text().nullable(),
    /** What the gateway (or its silence) said, for the admin. */
    message: model.text().nullable(),
    settled_at: model.dateTime().nullable(),
    /** Made at the gateway, Medusa's refund record lost (a timed-out call): record it in Medusa without paying again. */
    record_in_medusa: model.boolean().default(false),
  })
  .indexes([{ on: ["gateway_payment_id"] }, { on: ["idempotency_key"], unique: true }])

export default RefundLedgerRow
