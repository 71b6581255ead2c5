/**
 * What the completion function is told about a gateway payment, whoever tells it: the webhook
 * route (a verified webhook event) or a reconciliation job (a record listed from the gateway
 * with this store's credentials). Amounts are integer cents.
 */
import { type Cents, PAYMENT_COMPLETED, type Payment, paidCents, type WebhookEvent } from "../gateway"

export interface UsdtPaymentNotice {
  /** The gateway's payment record id (the webhook's `payment_record_id`). */
  gatewayPaymentId: number
  /** `payment.completed` is the only event that can complete a payment. */
  event: string
  merchantId: string
  currency: string
  /** The Medusa payment session id the checkout was opened for. */
  note: string | null
  amountCents: Cents
  paidCents: Cents
}

export function noticeFromWebhook(event: WebhookEvent): UsdtPaymentNotice {
  return {
    gatewayPaymentId: event.payment_record_id,
    event: event.event,
    merchantId: String(event.merchant_id),
    currency: event.currency,
    note: event.note,
    amountCents: event.amount,
    paidCents: paidCents(event),
  }
}

/** A record listed with the store's own credentials: its merchant is the store's by construction. */
export function noticeFromGatewayPayment(payment: Payment, merchantId: string): UsdtPaymentNotice {
  return {
    gatewayPaymentId: payment.id,
    event: payment.paid ? PAYMENT_COMPLETED : `payment.${payment.status}`,
    merchantId,
    currency: payment.currency,
    note: payment.note,
    amountCents: payment.amount_cents,
    paidCents: payment.total_amount_cents,
  }
}
