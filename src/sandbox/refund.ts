/**
 * POST /api/v1/merchant/payments/{id}/refund `{ amount, reason }` → 201
 * `{ refund_id, status, amount, payment_id }`. Partial refunds add up; the sum never exceeds
 * what was paid (422 past it), and only a paid payment can be refunded. The body is validated
 * with the contract's own request schema. Under the `refunds_pending` dialect the answer says
 * `pending` and the refund is settled later (see dialects.ts). An Idempotency-Key is honoured
 * as for checkouts (merchant-api.ts): the same key gets the first answer.
 */
import { refundRequestSchema } from "../gateway/contract"
import type { SandboxContext } from "./context"
import { type Answer, jsonAnswer } from "./http"
import { applyEvent } from "./payment-actions"
import { merchantPayment, paymentNotFound } from "./payments"
import { refundView } from "./payment-view"
import type { MerchantState } from "./store"
import { validate, validationAnswer } from "./validation"

export function refundPayment(context: SandboxContext, merchant: MerchantState, id: string, body: unknown): Answer {
  const payment = merchantPayment(context, merchant, id)
  if (!payment) return paymentNotFound()
  const parsed = validate(refundRequestSchema, body)
  if (!parsed.ok) return parsed.answer
  const now = context.now()
  const result = applyEvent(context, payment, {
    type: "refund",
    at: now,
    refundId: context.store.nextRefundId(),
    amountCents: parsed.data.amount,
    reason: parsed.data.reason,
    settlesAt: context.dialects.refundSettlesAt(now),
  })
  if (!result.ok) return validationAnswer({ [result.refusal === "not_paid" ? "payment" : "amount"]: [result.message] })
  const refund = result.payment.refunds[result.payment.refunds.length - 1]
  const view = refundView(result.payment, refund, now)
  context.log.info(`refund ${refund.id} of payment ${payment.id}: ${view.amount} (${view.status})`)
  return jsonAnswer(201, context.dialects.refund(view))
}
