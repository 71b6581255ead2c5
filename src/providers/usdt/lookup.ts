/**
 * Finds the gateway's payment record for a session. A caller that knows the record's id (a
 * verified webhook's `payment_record_id`, a record reconciliation listed) gets exactly one
 * `GET payments/{id}`, checked against the session's note, and never a listing. Otherwise the id
 * the session data recorded is tried, and only then the records created around the checkout's
 * opening are listed and matched by `note` (the Medusa payment session id): the checkout answer
 * carries no payment id. A storefront poll lists a narrow window (± 45 s), which on a merchant
 * taking 60 checkouts a minute is one page.
 */
import { type CallOptions, type GatewayClient, GatewayNotFoundError, type Payment, type RequestPriority } from "../../gateway"
import type { UsdtSessionData } from "./session-data"

/**
 * Slack on both ends of the window, for clock skew between the store and the gateway: the
 * record is created when the checkout is opened, so the listing spans the opening ± this.
 */
const WINDOW_SLACK_MS = 10 * 60_000
/** The same for a storefront poll, which would rather miss (the webhook still comes) than page. */
const POLL_SLACK_MS = 45_000
/** Without an opening time, look this far back. */
const DEFAULT_LOOKBACK_MS = 48 * 60 * 60_000

function rank(payment: Payment, amountCents: number | undefined): number {
  const sameAmount = amountCents !== undefined && payment.amount_cents === amountCents ? 1 : 0
  if (payment.paid) return 10 + sameAmount
  if (payment.status === "pending") return 5 + sameAmount
  return sameAmount
}

/** The most telling record among several with the same note: paid before pending before expired, same amount first, newest first. */
export function pickPayment(candidates: Payment[], amountCents: number | undefined): Payment | null {
  let best: Payment | null = null
  for (const payment of candidates) {
    if (!best) {
      best = payment
      continue
    }
    const diff = rank(payment, amountCents) - rank(best, amountCents)
    if (diff > 0 || (diff === 0 && payment.id > best.id)) best = payment
  }
  return best
}

export interface LookupOptions {
  /** The record id a verified source named: looked up alone, never listed around. */
  recordId?: number
  /** Place in the merchant's request budget. */
  priority: RequestPriority
  /** A storefront poll: list only the records created within POLL_SLACK_MS of the opening. */
  narrow?: boolean
  /** Longest wait for each budget slot (a poll would rather answer from what it knows). */
  maxQueueMs?: number
  now?: number
}

async function byId(client: GatewayClient, id: number, sessionId: string, call: CallOptions): Promise<Payment | null> {
  try {
    const payment = await client.getPayment(id, call)
    return payment.note === sessionId ? payment : null
  } catch (error) {
    if (error instanceof GatewayNotFoundError) return null
    throw error
  }
}

export async function findGatewayPayment(
  client: GatewayClient,
  sessionId: string,
  data: UsdtSessionData,
  options: LookupOptions
): Promise<Payment | null> {
  const call: CallOptions = { priority: options.priority, maxQueueMs: options.maxQueueMs }
  if (options.recordId !== undefined) return byId(client, options.recordId, sessionId, call)
  if (data.gateway_payment_id) {
    const known = await byId(client, data.gateway_payment_id, sessionId, call)
    if (known) return known
  }
  const now = options.now ?? Date.now()
  const opened = data.opened_at ? Date.parse(data.opened_at) : Number.NaN
  const narrow = options.narrow === true && !Number.isNaN(opened)
  const slack = narrow ? POLL_SLACK_MS : WINDOW_SLACK_MS
  const from = new Date((Number.isNaN(opened) ? now - DEFAULT_LOOKBACK_MS : opened) - slack)
  const to = new Date((Number.isNaN(opened) ? now : Math.min(now, opened)) + slack)
  const matches: Payment[] = []
  for await (const payment of client.iteratePayments({ from, to, perPage: 100 }, call)) {
    if (payment.note === sessionId) matches.push(payment)
  }
  return pickPayment(matches, data.amount_cents)
}
