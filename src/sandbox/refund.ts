/**
 * POST /api/v1/merchant/payments/{id}/refund `{ amount, reason }` → 201
 * `{ refund_id, status: "completed", amount, payment_id }`. Partial refunds add up; the sum
 * never exceeds what was paid (422 past it), and only a paid payment can be refunded. An
 * Idempotency-Key is honoured as for checkouts (merchant-api.ts): the same key gets the first answer.
 */
import { z } from "zod"
import type { SandboxContext } from "./context"
import { dollarsField, optionalTextField } from "./fields"
import { type Answer, jsonAnswer } from "./http"
import { applyEvent } from "./payment-actions"
import { merchantPayment, paymentNotFound } from "./payments"
import { refundView } from "./payment-view"
import type { MerchantState } from "./store"
import { validate, validationAnswer } from "./validation"

export const refundBodySchema = z.looseObject(
  {
    amount: dollarsField("amount").refine((cents) => cents > 0, { error: "The amount must be at least 0.01." }),
    reason: optionalTextField("reason", 500),
  },
  { error: "The request body must be a JSON object." }
)

export function refundPayment(context: SandboxContext, merchant: MerchantState, id: string, body: unknown): Answer {
  const payment = merchantPayment(context, merchant, id)
  if (!payment) return paymentNotFound()
  const parsed = validate(refundBodySchema, body)
  if (!parsed.ok) return parsed.answer
  const result = applyEvent(context, payment, {
    type: "refund",
    at: context.now(),
    refundId: context.store.nextRefundId(),
    amountCents: parsed.data.amount,
    reason: parsed.data.reason,
  })
  if (!result.ok) return validationAnswer({ [result.refusal === "not_paid" ? "payment" : "amount"]: [result.message] })
  const refund = result.payment.refunds[result.payment.refunds.length - 1]
  context.log.info(`refund ${refund.id} of payment ${payment.id}: ${refundView(result.payment, refund).amount}`)
  return jsonAnswer(201, refundView(result.payment, refund))
}
