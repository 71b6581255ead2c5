/**
 * The few things that change a payment record, shared by the hosted checkout page, the
 * control API and the refund endpoint: each applies one event through the pure state machine,
 * saves the result, and (for a payment) enqueues its webhook.
 */
import { randomBytes } from "node:crypto"
import type { Cents } from "../gateway/money"
import type { SandboxContext } from "./context"
import { type PaymentEvent, type PaymentState, transition, type TransitionRefusal } from "./payment-state"

export type ActionResult =
  | { ok: true; payment: PaymentState }
  | { ok: false; status: 404 | 409 | 410 | 422; refusal: TransitionRefusal | "not_found"; message: string }

const REFUSAL_STATUS: Record<TransitionRefusal, 409 | 410 | 422> = {
  already_paid: 409,
  expired: 410,
  not_paid: 422,
  fully_refunded: 422,
  refund_exceeds: 422,
  invalid_amount: 422,
}

export function applyEvent(context: SandboxContext, payment: PaymentState, event: PaymentEvent): ActionResult {
  const result = transition(payment, event)
  if (!result.ok) return { ok: false, status: REFUSAL_STATUS[result.refusal], refusal: result.refusal, message: result.message }
  return { ok: true, payment: context.store.save(result.state) }
}

function byToken(context: SandboxContext, token: string): PaymentState | ActionResult {
  const payment = context.store.paymentByToken(token)
  return payment ?? { ok: false, status: 404, refusal: "not_found", message: "No checkout has this cs token." }
}

function isPayment(value: PaymentState | ActionResult): value is PaymentState {
  return "token" in value
}

/** The customer pays (the whole amount, unless `paidCents` simulates an under/over-payment). */
export function payCheckout(context: SandboxContext, token: string, paidCents?: Cents): ActionResult {
  const found = byToken(context, token)
  if (!isPayment(found)) return found
  const result = applyEvent(context, found, {
    type: "pay",
    at: context.now(),
    paidCents: paidCents ?? found.amountCents,
    bybitPayId: randomBytes(9).toString("hex"),
  })
  if (result.ok) {
    context.log.info(`payment ${result.payment.id} of merchant ${result.payment.merchantId} paid`)
    context.webhooks.enqueue(result.payment)
  }
  return result
}

/** The customer cancels (the checkout closes as expired), or a test expires it now. */
export function closeCheckout(context: SandboxContext, token: string, how: "cancel" | "expire"): ActionResult {
  const found = byToken(context, token)
  if (!isPayment(found)) return found
  return applyEvent(context, found, { type: how, at: context.now() })
}
