/**
 * The reconcile engine: for each paid status, reads the gateway's payments of a window page by
 * page at the largest page size, hands each page to an injected `settlePage`, and adds the
 * verdicts up; then cancels the sessions whose checkout expired with no payment among those
 * pages. It depends on small interfaces only (a page source, a settle function, an expiry
 * step), streams (one page in memory at a time) and never throws: a failure ends the run with
 * `complete: false` and the reason.
 */
import type { Payment, KnownPaymentStatus } from "../gateway"
import { addFailure, addVerdict, emptySummary } from "./summary"
import type {
  ExpiryStep,
  PageProgress,
  PaymentPageSource,
  PaymentVerdict,
  ReconcileSummary,
  ReconcileWindow,
  RequestCounters,
  SettlePage,
} from "./types"

/** The gateway's largest page. */
export const MAX_PAGE_SIZE = 100

/**
 * `completed` payments are healed; `partially_refunded` ones too, and both refund statuses
 * are compared with Medusa's refunds. (The list filters one status at a time, so each status
 * costs at least one request.)
 */
export const RECONCILED_STATUSES: readonly KnownPaymentStatus[] = ["completed", "partially_refunded", "refunded"]

export interface ReconcileEngineInput {
  source: PaymentPageSource
  /** The client's counters, read before and after to count this run's requests. */
  counters?: RequestCounters
  window: ReconcileWindow
  statuses?: readonly KnownPaymentStatus[]
  /** Default (and at most) 100. */
  pageSize?: number
  settlePage: SettlePage
  /** Left out: no session is expired (e.g. a benchmark). */
  expiry?: ExpiryStep
  /** After each page: progress lines, lock renewal. A throw stops the run. */
  onPage?: (progress: PageProgress) => void | Promise<void>
  now?: () => number
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

async function settleSafely(settlePage: SettlePage, payments: readonly Payment[]): Promise<Map<number, PaymentVerdict>> {
  const byId = new Map<number, PaymentVerdict>()
  try {
    for (const verdict of await settlePage(payments)) byId.set(verdict.gateway_payment_id, verdict)
  } catch (error) {
    const failure = `settling the page failed: ${messageOf(error)}`
    for (const payment of payments) byId.set(payment.id, { gateway_payment_id: payment.id, action: "failed", discrepancies: [], failure })
  }
  return byId
}

/** A listed record that is not paid (the list's status filter not applied, or a status we do not know). */
function unpaidVerdict(payment: Payment): PaymentVerdict {
  if (payment.status_known) return { gateway_payment_id: payment.id, action: "in_sync", discrepancies: [] }
  const message = `the gateway lists this payment with the status ${JSON.stringify(payment.status)}, which the contract does not know: it is not treated as paid; check it in the gateway dashboard`
  return { gateway_payment_id: payment.id, action: "reported", discrepancies: [{ kind: "unknown_status", gateway_payment_id: payment.id, message }] }
}

function noteOf(payment: Payment): string | null {
  const note = payment.note?.trim()
  return note ? note : null
}

export async function reconcile(input: ReconcileEngineInput): Promise<ReconcileSummary> {
  const now = input.now ?? Date.now
  const started = now()
  const pageSize = input.pageSize ?? MAX_PAGE_SIZE
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
    throw new RangeError(`pageSize must be a whole number from 1 to ${MAX_PAGE_SIZE}, got ${pageSize}`)
  }
  const { window, counters } = input
  const before = counters ? { requests: counters.requests, rateLimited: counters.rateLimited, retries: counters.retries } : null
  const summary = emptySummary(window)
  try {
    // Read before the pages: a session whose note shows up on any paid page is not expired.
    const candidates = new Set(input.expiry ? await input.expiry.candidates() : [])
    for (const status of input.statuses ?? RECONCILED_STATUSES) {
      let page = 0
      for await (const result of input.source.paymentPages({ status, from: window.from, to: window.to, perPage: pageSize })) {
        page++
        summary.pages++
        summary.payments_seen += result.data.length
        for (const payment of result.data) {
          const note = noteOf(payment)
          if (note) candidates.delete(note)
        }
        // Only what the gateway shows as paid is settled; an unknown status is flagged, never settled.
        const paid = result.data.filter((payment) => payment.paid)
        const verdicts = await settleSafely(input.settlePage, paid)
        for (const payment of result.data) {
          if (!payment.paid) {
            addVerdict(summary, payment, unpaidVerdict(payment))
            continue
          }
          const verdict = verdicts.get(payment.id) ?? {
            gateway_payment_id: payment.id,
            action: "failed",
            discrepancies: [],
            failure: "the settle step gave no verdict for this payment",
          }
          addVerdict(summary, payment, verdict)
        }
        const lastPage = result.last_page ?? Math.max(page, Math.ceil((result.total ?? 0) / pageSize))
        await input.onPage?.({ status, page, lastPage, count: result.data.length, summary })
      }
    }
    if (input.expiry && candidates.size > 0) {
      const result = await input.expiry.expire([...candidates])
      summary.expired += result.expired
      for (const failure of result.failures) {
        addFailure(summary, { message: `session ${failure.note}: ${failure.message}` }, failure.opened_at ?? summary.window.from)
      }
    }
    summary.complete = true
  } catch (error) {
    summary.complete = false
    summary.error = messageOf(error)
  } finally {
    if (counters && before) {
      summary.requests = counters.requests - before.requests
      summary.rate_limited = counters.rateLimited - before.rateLimited
      summary.retries = counters.retries - before.retries
    }
    summary.duration_ms = Math.max(0, Math.round(now() - started))
  }
  return summary
}
