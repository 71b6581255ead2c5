/**
 * Which gateway checkout a USDT payment session gets, decided from the checkout records of its
 * payment collection (one collection per cart), as a pure function:
 *
 *   adopt   a checkout of this cart was paid while its own session was gone, and covers the amount
 *   keep    the session's own checkout, same amount, still open (an update that changes nothing)
 *   reuse   another session of this cart opened a checkout for the same amount that is still
 *           open: same checkout_url, no gateway request
 *   open    a new gateway checkout
 *   limited the cart opened its hourly share of checkouts: the storefront gets a 429
 */
import type { Cents } from "../../gateway"

/** What the plan reads of a checkout record (the usdt_checkout_record row). */
export interface CheckoutRecordFacts {
  id: string
  session_id: string
  note: string
  opened: boolean
  amount_cents: number
  expires_at: Date | string
  opened_at: Date | string
  state: string
  paid_cents: number | null
}

export type CheckoutPlan<R extends CheckoutRecordFacts> =
  | { kind: "adopt" | "keep" | "reuse"; record: R }
  | { kind: "open" }
  | { kind: "limited"; retryAfterMs: number }

export interface PlanInput {
  sessionId: string
  amountCents: Cents
  /** Gateway checkouts a cart may open in an hour. */
  maxPerHour: number
  now?: number
}

const HOUR_MS = 60 * 60_000
/** A checkout closer than this to its expiry is not handed to a shopper again. */
export const REUSE_MARGIN_MS = 2 * 60_000

const time = (value: Date | string) => (value instanceof Date ? value.getTime() : Date.parse(value))

export function planCheckout<R extends CheckoutRecordFacts>(records: readonly R[], input: PlanInput): CheckoutPlan<R> {
  const now = input.now ?? Date.now()
  const open = (record: R) => record.state === "open" && time(record.expires_at) - REUSE_MARGIN_MS > now
  const newestFirst = [...records].sort((a, b) => time(b.opened_at) - time(a.opened_at))
  const paid = newestFirst.find((record) => record.opened && record.state === "paid" && (record.paid_cents ?? 0) >= input.amountCents)
  if (paid) return { kind: "adopt", record: paid }
  const own = newestFirst.find((record) => record.session_id === input.sessionId)
  if (own && own.amount_cents === input.amountCents && open(own) && openerOpen(records, own.note, open)) return { kind: "keep", record: own }
  const reusable = newestFirst.find((record) => record.opened && record.amount_cents === input.amountCents && open(record))
  if (reusable) return { kind: "reuse", record: reusable }
  const openedLastHour = records.filter((record) => record.opened && now - time(record.opened_at) < HOUR_MS)
  if (openedLastHour.length >= input.maxPerHour) {
    const oldest = Math.min(...openedLastHour.map((record) => time(record.opened_at)))
    return { kind: "limited", retryAfterMs: Math.max(1_000, oldest + HOUR_MS - now) }
  }
  return { kind: "open" }
}

/** The record that opened a note's checkout is still open (not paid elsewhere, not expired). */
function openerOpen<R extends CheckoutRecordFacts>(records: readonly R[], note: string, open: (record: R) => boolean): boolean {
  const opener = records.find((record) => record.opened && record.note === note)
  return opener ? open(opener) : true
}
