/**
 * Adds verdicts up into a run's summary, in constant memory: counters grow, lists stop at a
 * cap (every discrepancy is still counted by kind), so ten thousand payments cost no more
 * memory than a hundred.
 */
import type { Payment } from "../gateway"
import {
  type Discrepancy,
  type DiscrepancyKind,
  type FailureNote,
  type PaymentVerdict,
  type ReconcileSummary,
  type ReconcileWindow,
} from "./types"

/** Discrepancies kept in full per run; the rest are counted. */
export const MAX_LISTED_DISCREPANCIES = 100
/** Failures kept in full per run; the rest are counted. */
export const MAX_LISTED_FAILURES = 20

/** Every kind at zero (the Record type makes a forgotten kind a compile error). */
function zeroCounts(): Record<DiscrepancyKind, number> {
  return { amount_mismatch: 0, unknown_note: 0, refund_not_in_medusa: 0, paid_after_abandon: 0, completion_failed: 0, paid_no_order: 0, unknown_status: 0 }
}

export function emptySummary(window: ReconcileWindow): ReconcileSummary {
  return {
    window: { from: window.from.toISOString(), to: window.to.toISOString() },
    pages: 0,
    payments_seen: 0,
    healed: 0,
    in_sync: 0,
    expired: 0,
    discrepancies: [],
    discrepancy_counts: zeroCounts(),
    failed: 0,
    failures: [],
    duration_ms: 0,
    requests: 0,
    rate_limited: 0,
    retries: 0,
    complete: false,
  }
}

export function addDiscrepancy(summary: ReconcileSummary, discrepancy: Discrepancy): void {
  summary.discrepancy_counts[discrepancy.kind]++
  if (summary.discrepancies.length < MAX_LISTED_DISCREPANCIES) summary.discrepancies.push(discrepancy)
}

export function addFailure(summary: ReconcileSummary, failure: FailureNote, createdAt?: string | null): void {
  summary.failed++
  if (summary.failures.length < MAX_LISTED_FAILURES) summary.failures.push(failure)
  const at = createdAt ? Date.parse(createdAt) : Number.NaN
  if (Number.isNaN(at)) return
  const earliest = summary.earliest_failure_at ? Date.parse(summary.earliest_failure_at) : Number.POSITIVE_INFINITY
  if (at < earliest) summary.earliest_failure_at = new Date(at).toISOString()
}

/** Folds one payment's verdict in. */
export function addVerdict(summary: ReconcileSummary, payment: Payment, verdict: PaymentVerdict): void {
  switch (verdict.action) {
    case "healed":
      summary.healed++
      break
    case "in_sync":
      summary.in_sync++
      break
    case "reported":
      break
    case "failed":
      addFailure(
        summary,
        { gateway_payment_id: payment.id, message: verdict.failure ?? "could not be settled" },
        // A payment listed without created_at pins the mark at the window's start.
        payment.created_at ?? summary.window.from
      )
      break
    default: {
      const unreachable: never = verdict.action
      throw new Error(`unknown verdict ${String(unreachable)}`)
    }
  }
  for (const discrepancy of verdict.discrepancies) addDiscrepancy(summary, discrepancy)
}

/** One line for logs and the command line. */
export function describeSummary(summary: ReconcileSummary): string {
  const kinds = Object.entries(summary.discrepancy_counts)
    .filter(([, count]) => count > 0)
    .map(([kind, count]) => `${kind} ${count}`)
  return (
    `window ${summary.window.from} → ${summary.window.to}: ${summary.pages} pages, ${summary.payments_seen} payments seen, ` +
    `${summary.healed} healed, ${summary.in_sync} in sync, ${summary.expired} expired, ` +
    `${kinds.length ? `discrepancies (${kinds.join(", ")})` : "no discrepancies"}, ${summary.failed} failed; ` +
    `${summary.requests} requests, ${summary.rate_limited} rate-limited, ${summary.retries} retries, ${summary.duration_ms} ms` +
    (summary.complete ? "" : ` — incomplete: ${summary.error ?? "stopped"}`)
  )
}
