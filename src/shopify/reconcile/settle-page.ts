/**
 * Shopify's settle port of the shared reconciliation engine (src/reconcile/engine.ts): each
 * listed gateway payment is matched to this shop's payment session by its note (the app's
 * reference), judged by the same rule as a webhook (decision.ts) and decided once — the first
 * decision wins, and the settle job is one per session, so a webhook arriving later, or the next
 * run, changes nothing.
 */
import type { Payment } from "../../gateway"
import type { PaymentVerdict, SettlePage } from "../../reconcile/types"
import type { AppContext } from "../context"
import { judgePayment } from "../decision"
import { decideAndSettle } from "../settle"

export function shopifySettlePage(ctx: AppContext, shop: string): SettlePage {
  async function settleOne(payment: Payment): Promise<PaymentVerdict> {
    const base = { gateway_payment_id: payment.id, discrepancies: [] }
    const note = payment.note?.trim()
    const session = note ? await ctx.payments.byReference(shop, note) : null
    if (!session) {
      return {
        ...base,
        action: "reported",
        discrepancies: [{ kind: "unknown_note", gateway_payment_id: payment.id, message: `Gateway payment ${payment.id} names no checkout this app opened for ${shop}.` }],
      }
    }
    if (session.decision) {
      // Decided (by a webhook or an earlier run): make sure Shopify is told; the job id dedupes.
      if (session.status === "open") await ctx.queues.add("settlePayment", { paymentSessionId: session.id })
      return { ...base, action: "in_sync" }
    }
    const verdict = judgePayment(session, payment)
    if (verdict.kind === "wait") return { ...base, action: "in_sync" }
    if (verdict.kind === "foreign") return { ...base, action: "reported", discrepancies: [{ kind: "unknown_note", gateway_payment_id: payment.id, message: verdict.why }] }
    const decided = await decideAndSettle(ctx, session.id, verdict, payment.id)
    const healed = decided?.paymentRecordId === String(payment.id) && decided.decision === verdict.kind
    const discrepancies =
      verdict.kind === "reject" && verdict.reason === "underpaid"
        ? [{ kind: "amount_mismatch" as const, gateway_payment_id: payment.id, payment_session_id: session.shopifyId, message: `Paid ${verdict.paidCents} of ${session.amountCents} cents: the session is rejected as underpaid.` }]
        : []
    return { ...base, action: healed ? "healed" : "in_sync", discrepancies }
  }

  return async (payments) => {
    const verdicts: PaymentVerdict[] = []
    for (const payment of payments) {
      try {
        verdicts.push(await settleOne(payment))
      } catch (error) {
        verdicts.push({ gateway_payment_id: payment.id, action: "failed", discrepancies: [], failure: error instanceof Error ? error.message : String(error) })
      }
    }
    return verdicts
  }
}
