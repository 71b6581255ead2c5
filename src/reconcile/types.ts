/**
 * The reconciliation's vocabulary: what one listed gateway payment led to (a verdict), what a
 * run cannot fix by itself (a discrepancy), and what a run adds up to (its summary).
 */
import type { KnownPaymentStatus, Payment, PaymentsPage } from "../gateway"

/** What a run reports and leaves to a person. */
export const DISCREPANCY_KINDS = [
  /** Paid less or more than the checkout asked. */
  "amount_mismatch",
  /** A payment whose note names nothing this store opened. */
  "unknown_note",
  /** The gateway refunded more of a payment than Medusa has refunds for. */
  "refund_not_in_medusa",
  /** Paid for a session that was deleted or canceled, or for a cart ordered otherwise. */
  "paid_after_abandon",
  /** Captured, but the order could not be made (the integration refunds the payment). */
  "completion_failed",
  /** Paid for a replaced session's checkout, and no order can be made with it: refund it from the settings page. */
  "paid_no_order",
  /** Listed with a status value the contract does not know: not paid, left for a person. */
  "unknown_status",
] as const
export type DiscrepancyKind = (typeof DISCREPANCY_KINDS)[number]

export interface Discrepancy {
  kind: DiscrepancyKind
  gateway_payment_id: number
  /** The Medusa payment session the note names, when it names one. */
  payment_session_id?: string
  order_id?: string
  /** What happened and what a person should do, in words an admin understands. */
  message: string
}

/**
 * What settling one listed payment did:
 * - `healed`: this run completed it (order made, payment captured once);
 * - `in_sync`: Medusa already agreed with the gateway (or a webhook got there first);
 * - `reported`: nothing to do that a machine may do; see the discrepancies;
 * - `failed`: a failure that may pass (gateway, lock, database): the next run tries again.
 */
export type VerdictAction = "healed" | "in_sync" | "reported" | "failed"

export interface PaymentVerdict {
  gateway_payment_id: number
  action: VerdictAction
  discrepancies: Discrepancy[]
  /** For `failed`: why. */
  failure?: string
}

/** Settles one page of payments, one verdict per payment. */
export type SettlePage = (payments: readonly Payment[]) => Promise<PaymentVerdict[]>

/** Where pages come from: the gateway client's `paymentPages`, or a fake in tests. */
export interface PaymentPageSource {
  paymentPages(filter: { status: KnownPaymentStatus; from: Date; to: Date; perPage: number }): AsyncIterable<PaymentsPage>
}

/** The client's counters (`GatewayClient.stats`). */
export interface RequestCounters {
  readonly requests: number
  readonly rateLimited: number
  readonly retries: number
}

/** Sessions whose checkout has expired with no payment known to the store. */
export interface ExpiryStep {
  /** Notes (payment session ids) of sessions still pending past their checkout's expiry. */
  candidates(): Promise<readonly string[]>
  /** Cancels these: none of them is among the gateway's paid payments of the window. */
  expire(notes: readonly string[]): Promise<ExpiryResult>
}

export interface ExpiryResult {
  expired: number
  /** Sessions that could not be canceled this time; `opened_at` keeps the mark before them. */
  failures: { note: string; message: string; opened_at?: string }[]
}

export interface ReconcileWindow {
  from: Date
  /** Inclusive. */
  to: Date
}

export interface PageProgress {
  status: KnownPaymentStatus
  /** 1-based, within this status. */
  page: number
  lastPage: number
  /** Payments on this page. */
  count: number
  summary: ReconcileSummary
}

export interface FailureNote {
  gateway_payment_id?: number
  message: string
}

export interface ReconcileSummary {
  window: { from: string; to: string }
  /** Pages fetched, every status together. */
  pages: number
  payments_seen: number
  healed: number
  in_sync: number
  expired: number
  /** At most `MAX_LISTED_DISCREPANCIES`; `discrepancy_counts` counts every one. */
  discrepancies: Discrepancy[]
  discrepancy_counts: Record<DiscrepancyKind, number>
  /** Payments and sessions that could not be settled this time (retried by the next run). */
  failed: number
  failures: FailureNote[]
  duration_ms: number
  requests: number
  rate_limited: number
  retries: number
  /** Whether every page of every status was read (false: the run stopped on an error). */
  complete: boolean
  error?: string
  /**
   * The earliest `created_at` among payments that failed, if any: a high-water mark must not
   * pass it, so that the next window sees them again.
   */
  earliest_failure_at?: string
}
