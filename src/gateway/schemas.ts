/**
 * The gateway's wire format as zod schemas: the single source of the contract's types. The
 * client parses every answer with them and the sandbox builds its answers from the same types,
 * so the two cannot drift. Objects are loose: unknown extra fields are kept, not refused.
 * Money fields arrive as decimal strings (or numbers) and gain an integer `*_cents` twin.
 */
import { z } from "zod"
import { type Cents, toCents } from "./money"

/** A dollar amount on the wire ("10.50" or 10.5), checked and turned into cents. */
export const wireAmount = z.union([z.string(), z.number()]).transform((value, ctx): Cents => {
  try {
    return toCents(value)
  } catch (error) {
    ctx.addIssue({ code: "custom", message: error instanceof Error ? error.message : String(error) })
    return z.NEVER
  }
})

const isoDateTime = z.string().refine((value) => !Number.isNaN(Date.parse(value)), {
  message: "must be an ISO 8601 date-time",
})

export const PAYMENT_STATUSES = ["pending", "completed", "expired", "refunded", "partially_refunded"] as const
export const paymentStatus = z.enum(PAYMENT_STATUSES)
export type PaymentStatus = z.infer<typeof paymentStatus>
const PAID_STATUSES: ReadonlySet<PaymentStatus> = new Set(["completed", "refunded", "partially_refunded"])

/** POST /api/v1/merchant/checkout-session: the answer. */
export const checkoutSessionSchema = z.looseObject({
  checkout_url: z.url(),
  invoice_url: z.url().optional(),
  expires_at: isoDateTime,
})
export type CheckoutSession = z.infer<typeof checkoutSessionSchema>

/** One payment record (GET /payments/{id}, and each item of the list). */
export const paymentSchema = z
  .looseObject({
    id: z.number().int().positive(),
    status: paymentStatus,
    amount: wireAmount,
    total_amount: wireAmount.nullish(),
    currency: z.string(),
    note: z.string().nullable(),
    created_at: isoDateTime.nullish(),
    paid_at: isoDateTime.nullish(),
    refunded_amount: wireAmount.nullish(),
  })
  .transform((payment) => ({
    ...payment,
    /** What was asked, in cents. */
    amount_cents: payment.amount,
    /**
     * What was paid, in cents. Without a total from the gateway, a paid record counts as paid in
     * full and an unpaid one (pending, expired) as nothing paid.
     */
    total_amount_cents: payment.total_amount ?? (PAID_STATUSES.has(payment.status) ? payment.amount : 0),
    refunded_amount_cents: payment.refunded_amount ?? 0,
  }))
export type Payment = z.infer<typeof paymentSchema>

/** GET /payments: a Laravel-style page. */
export const paymentsPageSchema = z.looseObject({
  data: z.array(paymentSchema),
  current_page: z.number().int().positive(),
  per_page: z.coerce.number().int().positive().optional(),
  last_page: z.number().int().nonnegative().optional(),
  total: z.number().int().nonnegative(),
})
export type PaymentsPage = z.infer<typeof paymentsPageSchema>

/** GET /balance. */
export const balanceSchema = z.looseObject({
  received_total: wireAmount,
  refunded_total: wireAmount,
  available_ledger: wireAmount,
})
export type Balance = z.infer<typeof balanceSchema>

/** POST /payments/{id}/refund: the answer. */
export const refundSchema = z.looseObject({
  refund_id: z.union([z.string().min(1), z.number()]).transform(String),
  status: z.string().min(1),
})
export type Refund = z.infer<typeof refundSchema>

/**
 * The body of an error answer, as far as the page tells. Each field is read on its own: one
 * field of an unexpected shape must not cost the others (the gateway's message above all).
 */
export const errorBodySchema = z.looseObject({
  message: z.string().optional().catch(undefined),
  error: z.string().optional().catch(undefined),
  errors: z.record(z.string(), z.union([z.array(z.string()), z.string()])).optional().catch(undefined),
  retry_after_seconds: z.coerce.number().nonnegative().optional().catch(undefined),
})

/** The webhook body: trusted only after its signature holds. */
export const webhookEventSchema = z.looseObject({
  event: z.string().min(1),
  status: z.string().optional(),
  merchant_id: z.union([z.number().int(), z.string().regex(/^\d+$/).transform(Number)]),
  amount: wireAmount,
  total_amount: wireAmount.nullish(),
  currency: z.string(),
  bybit_pay_id: z.string().nullish(),
  merchant_trade_no: z.string().nullish(),
  note: z.string().nullable(),
  payment_record_id: z.number().int().positive(),
  paid_at: isoDateTime.nullish(),
})
export type WebhookEvent = z.infer<typeof webhookEventSchema>

/** The one event the page names. */
export const PAYMENT_COMPLETED = "payment.completed"

/** What the webhook proves was paid, in cents. */
export function paidCents(event: Pick<WebhookEvent, "amount" | "total_amount">): Cents {
  return event.total_amount ?? event.amount
}

/** Renders a zod issue path as `data[3].amount`. */
export function issuePath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, key) => {
    if (typeof key === "number") return `${out}[${key}]`
    return out ? `${out}.${String(key)}` : String(key)
  }, "")
}
