/**
 * Finds the gateway's payment record for a session: by id when the session knows it, else by
 * listing the session's time window and matching the `note` (the Medusa payment session id).
 * The checkout answer carries no payment id, so the first look-up is always a listing.
 */
import { type GatewayClient, GatewayNotFoundError, type Payment } from "../../gateway"
import type { UsdtSessionData } from "./session-data"

/** Slack on both ends of the window, for clock skew between the store and the gateway. */
const WINDOW_SLACK_MS = 10 * 60_000
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

export async function findGatewayPayment(
  client: GatewayClient,
  sessionId: string,
  data: UsdtSessionData,
  now: number = Date.now()
): Promise<Payment | null> {
  if (data.gateway_payment_id) {
    try {
      const payment = await client.getPayment(data.gateway_payment_id)
      if (payment.note === sessionId) return payment
    } catch (error) {
      if (!(error instanceof GatewayNotFoundError)) throw error
    }
  }
  const opened = data.opened_at ? Date.parse(data.opened_at) : Number.NaN
  const from = new Date((Number.isNaN(opened) ? now - DEFAULT_LOOKBACK_MS : opened) - WINDOW_SLACK_MS)
  const to = new Date(now + WINDOW_SLACK_MS)
  const matches: Payment[] = []
  for await (const payment of client.iteratePayments({ from, to, perPage: 100 })) {
    if (payment.note === sessionId) matches.push(payment)
  }
  return pickPayment(matches, data.amount_cents)
}
