/**
 * What the gateway's status values mean, decided here once for every integration. The page
 * names only `completed`; the contract adds the four others. Any other value is kept as sent,
 * counts as not paid, and is marked unknown so that it can be flagged for a person: it never
 * breaks a listing or a reconciliation run.
 */

export const PAYMENT_STATUSES = ["pending", "completed", "expired", "refunded", "partially_refunded"] as const
export type KnownPaymentStatus = (typeof PAYMENT_STATUSES)[number]
/** A status as the gateway sent it: one of the known ones, or any other string, kept. */
export type PaymentStatus = KnownPaymentStatus | (string & {})

const KNOWN: ReadonlySet<string> = new Set(PAYMENT_STATUSES)
const PAID: ReadonlySet<string> = new Set<KnownPaymentStatus>(["completed", "partially_refunded", "refunded"])

export function isKnownPaymentStatus(status: string): status is KnownPaymentStatus {
  return KNOWN.has(status)
}

/**
 * "Paid": the gateway's record proves a payment happened (whatever its amount, whatever was
 * refunded since). Only the three known statuses that follow a payment; an unknown one is not.
 */
export function isPaidStatus(status: string): boolean {
  return PAID.has(status)
}

/** The refund answer's status, read conservatively. */
export type RefundOutcome = "succeeded" | "failed" | "pending"

const REFUND_SUCCEEDED: ReadonlySet<string> = new Set(["completed", "succeeded", "success", "refunded", "done"])
const REFUND_FAILED: ReadonlySet<string> = new Set(["failed", "rejected", "declined", "canceled", "cancelled", "error"])

/**
 * A refund is done only when the gateway says so in a word known to be final; a word known to
 * be a failure is a failure; anything else (`pending`, `processing`, a word we never saw) is
 * pending: to be confirmed later, never assumed done.
 */
export function refundOutcome(status: string): RefundOutcome {
  const word = status.trim().toLowerCase()
  if (REFUND_SUCCEEDED.has(word)) return "succeeded"
  if (REFUND_FAILED.has(word)) return "failed"
  return "pending"
}
