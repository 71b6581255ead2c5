/**
 * The reconciliation's decisions, as pure functions: what to do with one paid gateway payment
 * given what the store knows about the checkout its note names. Integration-neutral: no I/O
 * and no platform here; an integration's adapter (medusa-sessions.ts, medusa-verdicts.ts for
 * Medusa) feeds the facts in and maps its completion outcomes back.
 */
import { type Cents, formatCents, type Payment } from "../gateway"
import type { Discrepancy, PaymentVerdict } from "./types"

/** What the store knows about the checkout (payment session) a note names. */
export interface SessionFacts {
  id: string
  /** The integration's payment method that opened it (Medusa: the provider id). */
  provider_id: string
  /** The integration's own word for its state, shown in messages only. */
  status: string
  /** Already found underpaid: the shortfall is recorded with the store, asking again changes nothing. */
  underpaid: boolean
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

/** Who is reconciling: its provider id, and which notes are references it hands out. */
export interface ReconcileOwner {
  providerId: string
  /** Whether a note has the shape of this integration's own checkout references. */
  isOwnReference(note: string): boolean
}

const usd = (cents: Cents) => `${formatCents(cents)} USD`

export function verdict(payment: Payment, action: PaymentVerdict["action"], discrepancies: Discrepancy[] = [], failure?: string): PaymentVerdict {
  return { gateway_payment_id: payment.id, action, discrepancies, ...(failure ? { failure } : {}) }
}

export function discrepancy(payment: Payment, kind: Discrepancy["kind"], message: string, extra: Partial<Discrepancy> = {}): Discrepancy {
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
export function assessListedPayment(payment: Payment, facts: SessionFacts | null, owner: ReconcileOwner): ListedDecision {
  const done = (action: PaymentVerdict["action"], discrepancies: Discrepancy[] = []): ListedDecision => ({ kind: "done", verdict: verdict(payment, action, discrepancies) })
  const note = payment.note?.trim() ?? ""
  if (!note) return done("reported", [discrepancy(payment, "unknown_note", "the payment carries no note, so no order of this store can be matched to it")])
  if (!facts) {
    if (!owner.isOwnReference(note)) {
      return done("reported", [discrepancy(payment, "unknown_note", `note ${JSON.stringify(note)} names no checkout of this store`)])
    }
    // Fully refunded at the gateway: the money already went back, nothing is left to fix.
    if (payment.status === "refunded") return done("in_sync")
    // The session was replaced: the completion path finds its cart through the checkout records.
    return { kind: "settle", facts: { id: note, provider_id: owner.providerId, status: "deleted", underpaid: false, captured: false, refunded_cents: 0, canceled: false } }
  }
  if (facts.provider_id !== owner.providerId) {
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
  if (facts.underpaid) {
    // Already assessed as underpaid (the shortfall is on the session): asking again changes nothing.
    const asked = facts.amount_cents ?? payment.amount_cents
    return done("reported", [
      discrepancy(payment, "amount_mismatch", `paid ${usd(payment.total_amount_cents)} of ${usd(asked)} asked; not captured: collect the rest or refund`, { payment_session_id: facts.id }),
    ])
  }
  return { kind: "settle", facts }
}
