/**
 * Every answer body the sandbox builds from its records, typed as the input of the gateway
 * core's own schemas and checked against them before it leaves, so that the client and the
 * sandbox cannot drift apart: an answer that breaks the contract is a sandbox bug (500).
 */
import type { z } from "zod"
import { formatCents } from "../gateway/money"
import {
  balanceSchema,
  checkoutSessionSchema,
  PAYMENT_COMPLETED,
  paymentSchema,
  refundSchema,
  webhookEventSchema,
} from "../gateway/schemas"
import { isPaid, type PaymentState, refundedCents, type RefundEntry, statusAt } from "./payment-state"
import { isoSeconds } from "./time"

export class ContractBreach extends Error {}

/** Returns `value` unchanged once it parses with `schema`; throws ContractBreach otherwise. */
export function conform<S extends z.ZodType>(schema: S, value: z.input<S>): z.input<S> {
  const parsed = schema.safeParse(value)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new ContractBreach(`sandbox answer breaks the contract at ${issue.path.join(".") || "(root)"}: ${issue.message}`)
  }
  return value
}

export type PaymentWire = z.input<typeof paymentSchema>
export type WebhookWire = z.input<typeof webhookEventSchema>

function money(cents: number | null): string | null {
  return cents === null ? null : formatCents(cents)
}

function time(ms: number | null): string | null {
  return ms === null ? null : isoSeconds(ms)
}

/** GET /payments/{id}, and each item of GET /payments. */
export function paymentView(payment: PaymentState, now: number): PaymentWire {
  return conform(paymentSchema, {
    id: payment.id,
    merchant_id: payment.merchantId,
    status: statusAt(payment, now),
    amount: formatCents(payment.amountCents),
    total_amount: money(payment.paidCents),
    refunded_amount: formatCents(refundedCents(payment)),
    currency: "USD",
    note: payment.note,
    merchant_trade_no: payment.merchantTradeNo,
    bybit_pay_id: payment.bybitPayId,
    created_at: isoSeconds(payment.createdAt),
    paid_at: time(payment.paidAt),
    expires_at: isoSeconds(payment.expiresAt),
  })
}

function refundEntryView(refund: RefundEntry) {
  return { refund_id: refund.id, amount: formatCents(refund.amountCents), reason: refund.reason, created_at: isoSeconds(refund.createdAt) }
}

/** The control API's view: the public record plus what only the sandbox knows. */
export function controlPaymentView(payment: PaymentState, now: number, baseUrl: string) {
  return {
    ...paymentView(payment, now),
    cs: payment.token,
    checkout_url: checkoutUrl(baseUrl, payment.token),
    notify_url: payment.notifyUrl,
    success_url: payment.successUrl,
    cancel_url: payment.cancelUrl,
    closed_by: payment.closedBy,
    refunds: payment.refunds.map(refundEntryView),
  }
}

export function checkoutUrl(baseUrl: string, token: string): string {
  return `${baseUrl}/checkout?cs=${encodeURIComponent(token)}`
}

/** POST /checkout-session: 201. */
export function checkoutSessionView(payment: PaymentState, baseUrl: string) {
  const url = checkoutUrl(baseUrl, payment.token)
  return conform(checkoutSessionSchema, { checkout_url: url, invoice_url: url, expires_at: isoSeconds(payment.expiresAt) })
}

/** GET /balance for one merchant's records. */
export function balanceView(payments: Iterable<PaymentState>, now: number) {
  let received = 0
  let refunded = 0
  for (const payment of payments) {
    if (!isPaid(statusAt(payment, now)) || payment.paidCents === null) continue
    received += payment.paidCents
    refunded += refundedCents(payment)
  }
  return conform(balanceSchema, {
    received_total: formatCents(received),
    refunded_total: formatCents(refunded),
    available_ledger: formatCents(received - refunded),
  })
}

/** POST /payments/{id}/refund: 201. */
export function refundView(payment: PaymentState, refund: RefundEntry) {
  return conform(refundSchema, {
    refund_id: refund.id,
    status: "completed",
    amount: formatCents(refund.amountCents),
    payment_id: payment.id,
    reason: refund.reason,
    created_at: isoSeconds(refund.createdAt),
  })
}

/** The webhook body, field for field as the page's example. */
export function paymentCompletedEvent(payment: PaymentState): WebhookWire {
  return conform(webhookEventSchema, {
    event: PAYMENT_COMPLETED,
    status: "completed",
    merchant_id: payment.merchantId,
    amount: formatCents(payment.amountCents),
    total_amount: money(payment.paidCents ?? payment.amountCents),
    currency: "USD",
    bybit_pay_id: payment.bybitPayId,
    merchant_trade_no: payment.merchantTradeNo,
    note: payment.note,
    payment_record_id: payment.id,
    paid_at: time(payment.paidAt),
  })
}
