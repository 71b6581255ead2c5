/**
 * Reading every payment of a filter, page by page, without trusting the page's bookkeeping
 * blindly. The page only promises `data`, `current_page` and `total`, so:
 * - a `per_page` capped lower than asked (said, or silently by a short page) is followed: the
 *   next page numbers count in the gateway's size, and reading stops once `total` records
 *   were seen (or a page comes back short or empty when no total is given);
 * - a `page` that the gateway ignores (an answer whose `current_page` is not the page asked,
 *   or whose records were all seen already) is detected on the second page; the remaining
 *   time window is then split in halves, each read from its first page, until every half fits
 *   in one page. No record is missed and no loop is endless: a single second holding more than
 *   a page of records, which cannot be split, ends in a GatewayContractError.
 * Records seen twice (a window's edge, a retried page) are yielded once.
 */
import { GatewayContractError } from "./errors"
import type { Payment, PaymentsPage } from "./contract"

export interface PageRequest {
  from?: Date
  to?: Date
  page: number
}

/** One GET /payments with the filter's other fields fixed. */
export type FetchPage = (request: PageRequest) => Promise<PaymentsPage>

const SECOND = 1_000

/** Whole-second instants are sent without a fraction, so that an inclusive `to` spans its second. */
export function isoInstant(date: Date): string {
  const iso = date.toISOString()
  return date.getTime() % SECOND === 0 ? iso.replace(/\.000Z$/, "Z") : iso
}

function pageIgnored(page: PaymentsPage, asked: number, fresh: number): boolean {
  if (page.current_page !== undefined && page.current_page !== asked) return true
  return page.data.length > 0 && fresh === 0
}

/**
 * Every page of the filter, each holding only records not yielded before. `perPage` is the
 * size asked; `from`/`to` the window (needed only if the gateway turns out to ignore `page`).
 */
export async function* readPages(fetchPage: FetchPage, window: { from?: Date; to?: Date }, perPage: number): AsyncGenerator<PaymentsPage> {
  const seen = new Set<number>()
  const fresh = (page: PaymentsPage): PaymentsPage => {
    const data = page.data.filter((payment: Payment) => !seen.has(payment.id))
    for (const payment of data) seen.add(payment.id)
    return { ...page, data }
  }

  let capacity = perPage
  let inWindow = 0
  for (let number = 1; ; number++) {
    const answer = await fetchPage({ from: window.from, to: window.to, page: number })
    const unique = fresh(answer)
    if (number > 1 && pageIgnored(answer, number, unique.data.length)) {
      if (unique.data.length > 0) yield unique
      yield* bisect(fetchPage, window, capacity, fresh)
      return
    }
    yield unique
    inWindow += answer.data.length
    if (answer.per_page !== undefined && answer.per_page > 0) capacity = Math.min(capacity, answer.per_page)
    if (answer.data.length === 0) return
    if (answer.total !== undefined) {
      if (inWindow >= answer.total) return
      // Short of the total on a short page: the gateway capped the size without saying so.
      if (answer.data.length < capacity) capacity = answer.data.length
      continue
    }
    if (answer.last_page !== undefined ? number >= answer.last_page : answer.data.length < capacity) return
  }
}

/** Reads a window whose `page` is ignored by halving it until each part fits in one page. */
async function* bisect(
  fetchPage: FetchPage,
  window: { from?: Date; to?: Date },
  capacity: number,
  fresh: (page: PaymentsPage) => PaymentsPage
): AsyncGenerator<PaymentsPage> {
  if (!window.from || !window.to) {
    throw new GatewayContractError(
      "The gateway answered in an unexpected format: field current_page (it ignores `page`, and an open-ended list cannot be split by time to read past its first page)",
      "current_page"
    )
  }
  const stack: { from: number; to: number }[] = [{ from: window.from.getTime(), to: window.to.getTime() }]
  while (stack.length > 0) {
    const part = stack.pop() as { from: number; to: number }
    const answer = await fetchPage({ from: new Date(part.from), to: new Date(part.to), page: 1 })
    const complete = answer.total !== undefined ? answer.data.length >= answer.total : answer.data.length < capacity
    if (complete) {
      const unique = fresh(answer)
      if (unique.data.length > 0) yield unique
      continue
    }
    const firstSecond = Math.floor(part.from / SECOND) * SECOND
    const lastSecond = Math.floor(part.to / SECOND) * SECOND
    if (firstSecond === lastSecond) {
      throw new GatewayContractError(
        `The gateway answered in an unexpected format: field current_page (it ignores \`page\`, and more than ${answer.data.length} payments were created within the second ${isoInstant(new Date(firstSecond))})`,
        "current_page"
      )
    }
    // Split at a whole second: the left part's `to` is inclusive of that whole second.
    const middle = firstSecond + Math.floor((lastSecond - firstSecond) / SECOND / 2) * SECOND
    stack.push({ from: middle + SECOND, to: part.to }, { from: part.from, to: middle })
  }
}
