/**
 * The expiry check, run once the checkout has expired: a session that no webhook settled is
 * looked up at the gateway (payments created around the checkout, matched by its note) and
 * decided like a webhook would — paid late → resolve, expired or never found → reject.
 */
import type { AppContext } from "../context"
import { judgePayment } from "../decision"
import type { JobData } from "../queues/names"
import { decideAndSettle } from "../settle"
import { RetryLaterError } from "./settle-payment"

const WINDOW_MS = 10 * 60_000

export async function checkExpiry(ctx: AppContext, data: JobData["checkExpiry"]): Promise<string> {
  const session = await ctx.payments.get(data.paymentSessionId)
  if (!session || session.decision || session.status !== "open") return "already_decided"
  const gateway = await ctx.gateways.forShop(session.shop)
  if (!gateway) return "no_credentials"
  const from = new Date(session.createdAt.getTime() - WINDOW_MS)
  const to = new Date(Math.max(Date.now(), (session.expiresAt?.getTime() ?? 0)) + WINDOW_MS)
  for await (const payment of gateway.client.iteratePayments({ from, to })) {
    if (payment.note !== session.reference) continue
    const verdict = judgePayment(session, payment)
    if (verdict.kind === "wait") throw new RetryLaterError(`payment ${payment.id} is still pending at the gateway`)
    if (verdict.kind === "foreign") continue
    await decideAndSettle(ctx, session.id, verdict, payment.id)
    return verdict.kind
  }
  await decideAndSettle(ctx, session.id, { kind: "reject", reason: "expired", paidCents: 0 })
  return "reject"
}
