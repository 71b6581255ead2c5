/**
 * A webhook delivery's bookkeeping, as pure functions: the retry policy's delays, the
 * signing timestamp of each try, and what one attempt's outcome makes of the delivery.
 *
 *   pending ──2xx──▶ delivered
 *      │ ──non-2xx / network error / timeout──▶ pending (retry after a growing delay)
 *      │                                    └─ last attempt, or a refused host ─▶ failed
 *   (a drop fault records it as dropped and never sends it)
 */

export interface RetryPolicy {
  maxAttempts: number
  baseDelayMs: number
  factor: number
  maxDelayMs: number
  timeoutMs: number
}

export type DeliveryStatus = "pending" | "delivered" | "failed" | "dropped"

export interface AttemptRecord {
  at: string
  /** The X-Gateway-Timestamp this try was signed with (unix seconds). */
  timestamp: number
  status_code?: number
  error?: string
}

export interface Delivery {
  id: number
  payment_record_id: number
  merchant_id: number
  event: string
  url: string
  status: DeliveryStatus
  attempts: number
  last_status_code: number | null
  attempts_log: AttemptRecord[]
  /** The raw JSON body: the same bytes on every try. */
  body: string
  created_at: string
  next_attempt_at: string | null
  /** Faults that shaped this delivery: "dropped", "duplicate", "reorder +120ms", "delay +50ms". */
  faults_applied: string[]
}

/** Success: the receiver answered. Failure: it could not be reached; `final` stops the retries. */
export type AttemptOutcome = { statusCode: number } | { error: string; final?: boolean }

/** The wait after the `attemptsMade`-th failed try: base × factor^(n−1), capped. */
export function retryDelayMs(policy: RetryPolicy, attemptsMade: number): number {
  return Math.min(policy.maxDelayMs, Math.round(policy.baseDelayMs * policy.factor ** Math.max(0, attemptsMade - 1)))
}

/**
 * Each try is signed with a fresh timestamp: the clock's, or one second past the previous
 * try's when retries come faster than once a second (so no two tries of a delivery share one).
 */
export function signingTimestamp(nowMs: number, previous: number | undefined): number {
  const seconds = Math.floor(nowMs / 1000)
  return previous === undefined ? seconds : Math.max(seconds, previous + 1)
}

export function lastTimestamp(delivery: Delivery): number | undefined {
  return delivery.attempts_log[delivery.attempts_log.length - 1]?.timestamp
}

/** The delivery after one attempt, and when to try again (null: no more tries). */
export function recordAttempt(
  delivery: Delivery,
  attempt: { at: string; timestamp: number; outcome: AttemptOutcome },
  policy: RetryPolicy
): { delivery: Delivery; retryInMs: number | null } {
  const { outcome } = attempt
  const log: AttemptRecord =
    "statusCode" in outcome
      ? { at: attempt.at, timestamp: attempt.timestamp, status_code: outcome.statusCode }
      : { at: attempt.at, timestamp: attempt.timestamp, error: outcome.error }
  const attempts = delivery.attempts + 1
  const base: Delivery = {
    ...delivery,
    attempts,
    last_status_code: "statusCode" in outcome ? outcome.statusCode : delivery.last_status_code,
    attempts_log: [...delivery.attempts_log, log],
    next_attempt_at: null,
  }
  if ("statusCode" in outcome && outcome.statusCode >= 200 && outcome.statusCode < 300) {
    return { delivery: { ...base, status: "delivered" }, retryInMs: null }
  }
  const final = "error" in outcome && outcome.final === true
  if (final || attempts >= policy.maxAttempts) return { delivery: { ...base, status: "failed" }, retryInMs: null }
  return { delivery: base, retryInMs: retryDelayMs(policy, attempts) }
}
