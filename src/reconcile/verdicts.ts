/**
 * The reconciliation's decisions, as pure functions: what to do with one paid gateway payment
 * given what Medusa knows about the session its note names, and what the completion path's
 * outcome means for the run. No I/O here; the Medusa adapter feeds facts in.
 */
import { type Cents, formatCents, type Payment } from "../gateway"
import type { UsdtCompletionResult } from "../workflows/complete-usdt-payment"
import type { Discrepancy, PaymentVerdict } from "./types"

/** What the store knows about the payment session a note names. */
export interface SessionFacts {
  id: string
  provider_id: string
  /** Medusa's session status: pending, requires_more, authorized, canceled… */
  status: string
  /** What the session asked, in cents (from its data), when known. */
  amount_cents?: Cents
  /** Its payment is captured. */
  captured: boolean
  /** Sum of Medusa's refunds of its payment, in cents. */
  refunded_cents: Cents
  /** An overpayment's excess refunded from the order's USDT panel (the plugin's ledger, outside Medusa's totals), in cents. */
  excess_refunded_cents?: Cents
  /** The session was canceled (by Medusa, or as an expired checkout) before any payment. */
  canceled: boolean
}

export type ListedDecision = { kind: "settle"; facts: SessionFacts } | { kind: "done"; verdict: PaymentVerdict }

/** Medusa payment session ids: what our checkouts put in `note`. */
export const MEDUSA_SESSION_NOTE = /^payses_[0-9A-Za-z]+$/

const usd = (cents: Cents) => `${formatCents(cents)} USD`

function verdict(payment: Payment, action: PaymentVerdict["action"], discrepancies: Discrepancy[] = [], failure?: string): PaymentVerdict {
  return { gateway_payment_id: payment.id, action, discrepancies, ...(failure ? { failure } : {}) }
}

function discrepancy(payment: Payment, kind: Discrepancy["kind"], message: string, extra: Partial<Discrepancy> = {}): Discrepancy {
  return { kind, gateway_payment_id: payment.id, message, ...extra }
}

/** Checks that hold once the payment is captured in Medusa: amount, refunds, a cancel before the payment. */
export function capturedChecks(payment: Payment, facts: SessionFacts): Discrepancy[] {
  const ids = { payment_session_id: facts.id }
  const found: Discrepancy[] = []
  const asked = facts.amount_cents ?? payment.amount_cents
  const paid = payment.total_amount_cents
  if (paid !== asked) {
    const how = paid > asked ? `overpaid by ${usd(paid - asked)}` : `underpaid by ${usd(asked - paid)}`
    const fix = paid > asked ? `use "Refund the excess" in the order's USDT panel, or settle it with the customer` : "collect the rest or settle it with the customer"
    found.push(discrepancy(payment, "amount_mismatch", `paid ${usd(paid)} for ${usd(asked)} asked (${how}); the order is captured at ${usd(asked)}: ${fix}`, ids))
  }
  const gatewayRefunded = payment.refunded_amount_cents
  const storeRefunded = facts.refunded_cents + (facts.excess_refunded_cents ?? 0)
  if (gatewayRefunded > storeRefunded) {
    found.push(
      discrepancy(
        payment,
        "refund_not_in_medusa",
        `the gateway shows ${usd(gatewayRefunded)} refunded, the store records ${usd(storeRefunded)}: ${usd(gatewayRefunded - storeRefunded)} ` +
          `already went back to the customer. Do not refund it again with the order's Refund button (that pays out a second time): ` +
          `open the order's USDT panel and use "Check refunds with the gateway" (records a refund the store sent whose answer was lost) ` +
          `or "Record the gateway's refund" (one made on the gateway's dashboard); neither sends money.`,
        ids
      )
    )
  }
  if (facts.canceled) {
    found.push(discrepancy(payment, "paid_after_abandon", "paid after the session had been canceled; the payment was captured and the order flagged for review", ids))
  }
  return found
}

/** Decides what one paid gateway payment (completed, partially or fully refunded) needs. */
export function assessListedPayment(payment: Payment, facts: SessionFacts | null, providerId: string): ListedDecision {
  const done = (action: PaymentVerdict["action"], discrepancies: Discrepancy[] = []): ListedDecision => ({ kind: "done", verdict: verdict(payment, action, discrepancies) })
  const note = payment.note?.trim() ?? ""
  if (!note) return done("reported", [discrepancy(payment, "unknown_note", "the payment carries no note, so no order of this store can be matched to it")])
  if (!facts) {
    if (!MEDUSA_SESSION_NOTE.test(note)) {
      return done("reported", [discrepancy(payment, "unknown_note", `note ${JSON.stringify(note)} names no checkout of this store`)])
    }
    // Fully refunded at the gateway: the money already went back, nothing is left to fix.
    if (payment.status === "refunded") return done("in_sync")
    // The session was replaced: the completion path finds its cart through the checkout records.
    return { kind: "settle", facts: { id: note, provider_id: providerId, status: "deleted", captured: false, refunded_cents: 0, canceled: false } }
  }
  if (facts.provider_id !== providerId) {
    return done("reported", [discrepancy(payment, "unknown_note", `note names payment session ${facts.id} of another provider (${facts.provider_id})`, { payment_session_id: facts.id })])
  }
  if (facts.captured) return done("in_sync", capturedChecks(payment, facts))
  if (payment.status === "refunded") {
    return done("reported", [
      discrepancy(
        payment,
        "refund_not_in_medusa",
        `refunded in full (${usd(payment.refunded_amount_cents)}) at the gateway, but the store never recorded the payment; no order was made`,
        { payment_session_id: facts.id }
      ),
    ])
  }
  if (facts.status === "requires_more") {
    // Already assessed as underpaid (the shortfall is on the session): asking again changes nothing.
    const asked = facts.amount_cents ?? payment.amount_cents
    return done("reported", [
      discrepancy(payment, "amount_mismatch", `paid ${usd(payment.total_amount_cents)} of ${usd(asked)} asked; not captured: collect the rest or refund`, { payment_session_id: facts.id }),
    ])
  }
  return { kind: "settle", facts }
}

/** What the completion path's outcome means for the run. `facts` are those read before settling. */
export function verdictOfCompletion(payment: Payment, facts: SessionFacts, result: UsdtCompletionResult): PaymentVerdict {
  const ids = { payment_session_id: result.payment_session_id ?? facts.id, ...(result.order_id ? { order_id: result.order_id } : {}) }
  const detail = result.detail ?? result.outcome
  const reported = (kind: Discrepancy["kind"], message: string) => verdict(payment, "reported", [discrepancy(payment, kind, message, ids)])
  const outcome = result.outcome
  switch (outcome) {
    case "completed":
      return verdict(payment, "healed", capturedChecks(payment, facts))
    case "already_completed":
      return verdict(payment, "in_sync", capturedChecks(payment, facts))
    case "underpaid":
      return reported("amount_mismatch", detail)
    case "unknown_note":
      return reported("unknown_note", detail)
    case "session_not_found":
    case "cart_already_ordered":
      return reported("paid_after_abandon", detail)
    case "cart_completion_failed":
      return reported("completion_failed", detail)
    case "paid_no_order":
      return reported("paid_no_order", detail)
    case "wrong_currency":
      return reported("amount_mismatch", detail)
    case "not_paid":
    case "ignored_event":
    case "foreign_merchant":
      return verdict(payment, "failed", [], `the completion path answered ${outcome}: ${detail}`)
    default: {
      const unreachable: never = outcome
      return verdict(payment, "failed", [], `unknown completion outcome ${String(unreachable)}`)
    }
  }
}
