/**
 * The refund job, in two idempotent steps. 1) Under the payment's lock (after the payment's
 * resolve is recorded: a refund that comes first waits for it): refuse a refund beyond
 * what was paid, mark `sending`, refund at the gateway, mark `refunded` (or `refused` with the
 * gateway's message). A run that finds `sending` (a crash or a timeout mid-call) asks the gateway
 * how much it has refunded before trying again, so money never goes out twice. 2) Tell Shopify:
 * refundSessionResolve, or refundSessionReject (PROCESSING_ERROR with the message).
 */
import { formatCents, isGatewayError } from "../../gateway"
import type { AppContext } from "../context"
import type { JobData } from "../queues/names"
import type { RefundSession } from "../store/refund-sessions"
import { RetryLaterError } from "./settle-payment"

async function refundAtGateway(ctx: AppContext, refund: RefundSession, others: Record<"sending" | "refunded", number>): Promise<void> {
  if (refund.gatewayState === "refunded" || refund.gatewayState === "refused") return
  const refuse = (detail: string) => ctx.refunds.setGatewayState(refund.id, "refused", { detail })
  const payment = refund.paymentSessionId ? await ctx.payments.get(refund.paymentSessionId) : null
  // Paid and decided, but the settle job has not recorded Shopify's answer yet (it is retrying,
  // or its worker died after the resolve landed): wait for it rather than refuse the refund.
  if (payment?.decision === "resolve" && payment.status === "open") throw new RetryLaterError(`payment session ${payment.shopifyId}: its resolve is not recorded yet`)
  if (!payment || payment.status !== "resolved" || payment.paymentRecordId === null) {
    return refuse("No settled USDT payment matches this refund.")
  }
  const gateway = await ctx.gateways.forShop(refund.shop)
  if (!gateway) return refuse("The shop's USDT gateway credentials are missing.")
  if (refund.gatewayState === "sending") {
    const record = await gateway.client.getPayment(payment.paymentRecordId)
    if (record.refunded_amount_cents - others.refunded >= refund.amountCents) {
      return ctx.refunds.setGatewayState(refund.id, "refunded")
    }
  }
  const paid = payment.paidCents ?? payment.amountCents
  const remaining = paid - others.refunded - others.sending
  if (refund.amountCents > remaining) {
    return refuse(`The refund of ${formatCents(refund.amountCents)} USD exceeds the ${formatCents(Math.max(0, remaining))} USD still refundable.`)
  }
  await ctx.refunds.setGatewayState(refund.id, "sending")
  try {
    const result = await gateway.client.refundPayment(payment.paymentRecordId, { amountCents: refund.amountCents, reason: `Shopify refund ${refund.shopifyId}` })
    await ctx.refunds.setGatewayState(refund.id, "refunded", { refundId: result.refund_id })
  } catch (error) {
    // A refusal (422, 404, 401) is final; anything else may have gone through: stay `sending`, retry.
    if (isGatewayError(error) && !error.retryable) return refuse(`The USDT gateway refused the refund: ${error.message}`)
    throw error
  }
}

export async function processRefund(ctx: AppContext, data: JobData["refund"]): Promise<string> {
  const before = await ctx.refunds.get(data.refundSessionId)
  if (!before || before.status !== "pending") return "already_settled"
  if (before.gatewayState === "none" || before.gatewayState === "sending") {
    await ctx.refunds.underPaymentLock(before.id, ({ refund, othersCents }) => refundAtGateway(ctx, refund, othersCents))
  }
  const refund = await ctx.refunds.get(data.refundSessionId)
  if (!refund || refund.status !== "pending") return "already_settled"
  const refused = refund.gatewayState === "refused"
  const outcome = refused
    ? await ctx.paymentsApps.rejectRefund(refund.shop, refund.gid, refund.statusDetail ?? "The USDT refund failed.")
    : await ctx.paymentsApps.resolveRefund(refund.shop, refund.gid)
  if (outcome.kind === "retry_later") throw new RetryLaterError(`refund session ${refund.shopifyId}: ${outcome.message}`)
  if (outcome.kind === "refused") {
    await ctx.refunds.finish(refund.id, "failed", `Shopify refused: ${outcome.message}`)
    return "failed"
  }
  await ctx.refunds.finish(refund.id, refused ? "rejected" : "resolved", refund.statusDetail)
  ctx.log.info(`refund session ${refund.shopifyId} of ${refund.shop}: ${refused ? "rejected" : "resolved"}`)
  return refused ? "rejected" : "resolved"
}
