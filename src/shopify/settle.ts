/** Records a verdict as the session's decision (the first one wins) and queues the settle job. */
import type { AppContext } from "./context"
import type { Verdict } from "./decision"
import type { PaymentSession } from "./store/payment-sessions"

export async function decideAndSettle(
  ctx: AppContext,
  paymentSessionId: string,
  verdict: Extract<Verdict, { kind: "resolve" | "reject" }>,
  paymentRecordId?: number
): Promise<PaymentSession | null> {
  const decided = await ctx.payments.decide(paymentSessionId, verdict.kind, {
    rejectReason: verdict.kind === "reject" ? verdict.reason : undefined,
    paymentRecordId,
    paidCents: verdict.paidCents,
  })
  await ctx.queues.add("settlePayment", { paymentSessionId })
  return decided
}
