/**
 * What Medusa's completion path (completeUsdtPayment) answering for one listed payment means
 * for the run, and which notes are this plugin's references (Medusa payment session ids): the
 * Medusa half of the reconciliation's decisions (verdicts.ts holds the neutral half).
 */
import type { Payment } from "../gateway"
import type { UsdtCompletionResult } from "../completion/complete-usdt-payment"
import type { Discrepancy, PaymentVerdict } from "./types"
import { capturedChecks, discrepancy, type ReconcileOwner, type SessionFacts, verdict } from "./verdicts"

/** Medusa payment session ids: what this plugin's checkouts put in `note`. */
export const MEDUSA_SESSION_NOTE = /^payses_[0-9A-Za-z]+$/

export function medusaOwner(providerId: string): ReconcileOwner {
  return { providerId, isOwnReference: (note) => MEDUSA_SESSION_NOTE.test(note) }
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
