/**
 * The one mapping from what the gateway says about a checkout (its payment record, or none yet)
 * and what the session asked for, to a Medusa payment session status plus the flags to record.
 *
 *   not paid yet               → pending   (cart completion waits for the webhook)
 *   expired unpaid             → canceled
 *   paid in full               → captured  (the gateway captures on payment)
 *   paid more than asked       → captured, excess flagged
 *   paid less than asked       → requires_more, shortfall flagged (never captured)
 *   paid after a cancel        → captured, flagged for review
 *   a status the contract does not know → pending, flagged for review (never paid, never thrown)
 *
 * What counts as paid is the gateway core's decision (`isPaidStatus`, read as `payment.paid`).
 */
import { PaymentSessionStatus } from "@medusajs/framework/utils"
import type { Cents, Payment } from "../../gateway"
import type { UsdtFlag } from "./session-data"

export interface SessionFacts {
  /** What the session asks, in cents. */
  amountCents: Cents
  /** The checkout's expiry (ISO), when known. */
  expiresAt?: string
  /** When the session was canceled or abandoned, if it was. */
  canceledAt?: string
}

export interface PaymentAssessment {
  status: PaymentSessionStatus
  flags: UsdtFlag[]
  /** Paid, in cents, when the gateway says the checkout was paid. */
  paidCents?: Cents
}

function isPast(iso: string | undefined, now: number): boolean {
  if (!iso) return false
  const at = Date.parse(iso)
  return !Number.isNaN(at) && at <= now
}

function assessPaid(payment: Payment, session: SessionFacts): PaymentAssessment {
  const paidCents = payment.total_amount_cents
  if (paidCents < session.amountCents) {
    return {
      status: PaymentSessionStatus.REQUIRES_MORE,
      paidCents,
      flags: [{ kind: "underpaid", gatewayPaymentId: payment.id, expectedCents: session.amountCents, paidCents }],
    }
  }
  const flags: UsdtFlag[] = []
  if (paidCents > session.amountCents) {
    flags.push({ kind: "overpaid", gatewayPaymentId: payment.id, expectedCents: session.amountCents, paidCents })
  }
  if (session.canceledAt) {
    flags.push({ kind: "paid_after_cancel", gatewayPaymentId: payment.id, paidCents, canceledAt: session.canceledAt })
  }
  return { status: PaymentSessionStatus.CAPTURED, paidCents, flags }
}

export function assessGatewayPayment(payment: Payment | null, session: SessionFacts, now: number = Date.now()): PaymentAssessment {
  if (!payment) {
    return isPast(session.expiresAt, now)
      ? { status: PaymentSessionStatus.CANCELED, flags: [{ kind: "canceled", reason: "checkout_expired" }] }
      : { status: PaymentSessionStatus.PENDING, flags: [] }
  }
  if (payment.paid) return assessPaid(payment, session)
  if (!payment.status_known) {
    return { status: PaymentSessionStatus.PENDING, flags: [{ kind: "unknown_status", gatewayPaymentId: payment.id, status: payment.status }] }
  }
  if (payment.status === "expired") {
    return { status: PaymentSessionStatus.CANCELED, flags: [{ kind: "canceled", reason: "checkout_expired" }] }
  }
  return { status: PaymentSessionStatus.PENDING, flags: [] }
}
