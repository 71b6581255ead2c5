/**
 * What the gateway answers, in both forms:
 * - `*Wire` types: the answer as the contract writes it (ids as numbers, money as two-decimal
 *   strings). The sandbox builds these from its records, by hand, never through the schemas
 *   below, and may then reshape them into a dialect (see src/sandbox/dialects.ts).
 * - `*Schema`: how the client reads an answer. The page is thin, so it parses what we need and
 *   tolerates the rest: unknown fields kept, unknown status values kept (not paid, marked
 *   unknown), ids as numbers or numeric strings, money with any number of decimals (rounded by
 *   `answerCents`' one rule), optional fields missing. What we need and cannot read is a
 *   contract violation naming the field.
 */
import { z } from "zod"
import { gatewayId, isoDateTime, keptScalar, noteField, wireAmount } from "./fields"
import { isKnownPaymentStatus, isPaidStatus, type KnownPaymentStatus, type PaymentStatus } from "./status"

const count = z.union([z.number().int().nonnegative(), z.string().trim().regex(/^\d{1,15}$/).transform(Number)])
const optionalDate = isoDateTime.nullish().transform((value) => value ?? null)

// ---- the contract's own form: what the sandbox writes ----

export interface PaymentWire {
  id: number
  merchant_id?: number
  status: KnownPaymentStatus
  amount: string
  total_amount: string | null
  refunded_amount: string
  currency: string
  note: string | null
  merchant_trade_no?: string | null
  bybit_pay_id?: string | null
  created_at: string
  paid_at: string | null
  expires_at?: string
}

export interface PaymentsPageWire {
  data: PaymentWire[]
  current_page: number
  per_page: number
  last_page: number
  total: number
}

export interface CheckoutSessionWire {
  checkout_url: string
  invoice_url: string
  expires_at: string
}

export interface BalanceWire {
  received_total: string
  refunded_total: string
  available_ledger: string
}

export interface RefundWire {
  refund_id: number | string
  status: string
  amount?: string
  payment_id?: number
  reason?: string
  created_at?: string
}

// ---- how the client reads them ----

/** POST /api/v1/merchant/checkout-session: the answer. */
export const checkoutSessionSchema = z.looseObject({
  checkout_url: z.url(),
  invoice_url: z.url().optional().catch(undefined),
  expires_at: isoDateTime,
})
export type CheckoutSession = z.infer<typeof checkoutSessionSchema>

/** One payment record (GET /payments/{id}, and each item of the list). */
export const paymentSchema = z
  .looseObject({
    id: gatewayId,
    status: z.string().trim().min(1),
    amount: wireAmount,
    total_amount: wireAmount.nullish(),
    currency: z.string().trim().min(1).optional(),
    note: noteField,
    created_at: optionalDate,
    paid_at: optionalDate,
    refunded_amount: wireAmount.nullish(),
    bybit_pay_id: keptScalar,
    merchant_trade_no: keptScalar,
  })
  .transform((payment) => {
    const status: PaymentStatus = payment.status
    const paid = isPaidStatus(status)
    return {
      ...payment,
      status,
      /** USD is the only currency the gateway settles: a record without one is in USD. */
      currency: payment.currency ?? "USD",
      /** False for a status value the contract does not know: kept, not paid, to be flagged. */
      status_known: isKnownPaymentStatus(status),
      /** The record proves a payment happened (see isPaidStatus). */
      paid,
      /** What was asked, in cents. */
      amount_cents: payment.amount,
      /**
       * What was paid, in cents. Without a total from the gateway, a paid record counts as paid
       * in full and any other (pending, expired, unknown) as nothing paid.
       */
      total_amount_cents: payment.total_amount ?? (paid ? payment.amount : 0),
      refunded_amount_cents: payment.refunded_amount ?? 0,
    }
  })
export type Payment = z.infer<typeof paymentSchema>

/** GET /payments: a Laravel-style page. Only `data` is indispensable; paging is checked by the client. */
export const paymentsPageSchema = z.looseObject({
  data: z.array(paymentSchema),
  current_page: count.optional(),
  per_page: count.optional(),
  last_page: count.optional(),
  total: count.optional(),
})
export type PaymentsPage = z.infer<typeof paymentsPageSchema>

/** GET /balance. */
export const balanceSchema = z.looseObject({
  received_total: wireAmount,
  refunded_total: wireAmount,
  available_ledger: wireAmount,
})
export type Balance = z.infer<typeof balanceSchema>

/** POST /payments/{id}/refund: the answer. Its status is read by `refundOutcome`. */
export const refundSchema = z.looseObject({
  refund_id: z.union([z.string().min(1), z.number()]).transform(String),
  status: z.string().trim().min(1),
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
