/**
 * The settle job: tells Shopify the session's decision (paymentSessionResolve or
 * paymentSessionReject) and records the result. A finished session is never settled again;
 * "not received yet" and transport trouble throw, so bullmq retries with backoff; a conflicting
 * answer is recorded as failed and not retried.
 */
import { rejectionMessage } from "../decision"
import type { AppContext } from "../context"
import { ShopNotInstalledError } from "../offline-tokens"
import type { JobData } from "../queues/names"

export class RetryLaterError extends Error {
  constructor(message: string) {
    super(message)
    this.name = "RetryLaterError"
  }
}

export type SettleResult = "missing" | "undecided" | "already_settled" | "resolved" | "rejected" | "failed"

export async function settlePayment(ctx: AppContext, data: JobData["settlePayment"]): Promise<SettleResult> {
  const session = await ctx.payments.get(data.paymentSessionId)
  if (!session) return "missing"
  if (session.status !== "open") return "already_settled"
  if (!session.decision) return "undecided"
  let outcome
  try {
    outcome =
      session.decision === "resolve"
        ? await ctx.paymentsApps.resolvePayment(session.shop, session.gid)
        : await ctx.paymentsApps.rejectPayment(
            session.shop,
            session.gid,
            "PROCESSING_ERROR",
            rejectionMessage(session.rejectReason, { askedCents: session.amountCents, paidCents: session.paidCents })
          )
  } catch (error) {
    if (error instanceof ShopNotInstalledError) {
      await ctx.payments.finish(session.id, "failed", { detail: error.message })
      return "failed"
    }
    throw error
  }
  switch (outcome.kind) {
    case "done": {
      const status = session.decision === "resolve" ? "resolved" : "rejected"
      await ctx.payments.finish(session.id, status, { nextActionUrl: outcome.nextActionUrl, detail: outcome.state ?? undefined })
      ctx.log.info(`payment session ${session.shopifyId} of ${session.shop}: ${status}`)
      return status
    }
    case "retry_later":
      throw new RetryLaterError(`payment session ${session.shopifyId}: ${outcome.message}`)
    case "refused":
      await ctx.payments.finish(session.id, "failed", { detail: `Shopify refused ${session.decision}: ${outcome.message}` })
      ctx.log.warn(`payment session ${session.shopifyId} of ${session.shop}: Shopify refused ${session.decision}: ${outcome.message}`)
      return "failed"
    default: {
      const unknown: never = outcome
      return unknown
    }
  }
}
