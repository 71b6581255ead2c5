/**
 * Every answer body the sandbox builds from its records, in the contract's own form (the
 * `*Wire` types of src/gateway/contract), written by hand: never through the client's parsing
 * schemas, so that the client's tests prove something about tolerance, not mere agreement.
 * Dialects (dialects.ts) may reshape these before they leave.
 */
import {
  type BalanceWire,
  type CheckoutSessionWire,
  isPaidStatus,
  PAYMENT_COMPLETED,
  type PaymentWire,
  type RefundWire,
  type WebhookWire,
} from "../gateway/contract"
import { formatCents } from "../gateway/money"
import { type PaymentState, type RefundEntry, settledRefundCents, statusAt } from "./payment-state"
import { isoSeconds } from "./time"

function money(cents: number | null): string | null {
  return cents === null ? null : formatCents(cents)
}

function time(ms: number | null): string | null {
  return ms === null ? null : isoSeconds(ms)
}

/** GET /payments/{id}, and each item of GET /payments. */
export function paymentView(payment: PaymentState, now: number): PaymentWire {
  return {
    id: payment.id,
    merchant_id: payment.merchantId,
    status: statusAt(payment, now),
    amount: formatCents(payment.amountCents),
    total_amount: money(payment.paidCents),
    refunded_amount: formatCents(settledRefundCents(payment, now)),
    currency: "USD",
    note: payment.note,
    merchant_trade_no: payment.merchantTradeNo,
    bybit_pay_id: payment.bybitPayId,
    created_at: isoSeconds(payment.createdAt),
    paid_at: time(payment.paidAt),
    expires_at: isoSeconds(payment.expiresAt),
  }
}

function refundStatus(refund: RefundEntry, now: number): string {
  return refund.settlesAt <= now ? "completed" : "pending"
}

function refundEntryView(refund: RefundEntry, now: number) {
  return {
    refund_id: refund.id,
    status: refundStatus(refund, now),
    amount: formatCents(refund.amountCents),
    reason: refund.reason,
    created_at: isoSeconds(refund.createdAt),
  }
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
    refunds: payment.refunds.map((refund) => refundEntryView(refund, now)),
  }
}

export function checkoutUrl(baseUrl: string, token: string): string {
  return `${baseUrl}/checkout?cs=${encodeURIComponent(token)}`
}

/** POST /checkout-session: 201. */
export function checkoutSessionView(payment: PaymentState, baseUrl: string): CheckoutSessionWire {
  const url = checkoutUrl(baseUrl, payment.token)
  return { checkout_url: url, invoice_url: url, expires_at: isoSeconds(payment.expiresAt) }
}

/** GET /balance for one merchant's records. */
export function balanceView(payments: Iterable<PaymentState>, now: number): BalanceWire {
  let received = 0
  let refunded = 0
  for (const payment of payments) {
    if (!isPaidStatus(statusAt(payment, now)) || payment.paidCents === null) continue
    received += payment.paidCents
    refunded += settledRefundCents(payment, now)
  }
  return {
    received_total: formatCents(received),
    refunded_total: formatCents(refunded),
    available_ledger: formatCents(received - refunded),
  }
}

/** POST /payments/{id}/refund: 201. */
export function refundView(payment: PaymentState, refund: RefundEntry, now: number): RefundWire & { amount: string } {
  return {
    refund_id: refund.id,
    status: refundStatus(refund, now),
    amount: formatCents(refund.amountCents),
    payment_id: payment.id,
    reason: refund.reason,
    created_at: isoSeconds(refund.createdAt),
  }
}

/** The webhook body, field for field as the page's example. */
export function paymentCompletedEvent(payment: PaymentState): WebhookWire {
  return {
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
  }
}
