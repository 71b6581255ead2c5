/**
 * POST /shopify/refund-sessions: answered 201 at once; the refund job refunds at the gateway and
 * tells Shopify. Idempotent on the refund session id (a unique key), concurrent repeats included.
 */
import { toCents } from "../../gateway"
import type { AppContext } from "../context"
import { json, problem, type Router } from "../http/router"
import { refundSessionRequest } from "../schemas"
import { checkSessionRequest } from "./session-request"

export const REFUND_SESSIONS_PATH = "/shopify/refund-sessions"

export function registerRefundSessionRoutes(router: Router, ctx: AppContext): void {
  router.add("POST", REFUND_SESSIONS_PATH, async (incoming) => {
    const checked = await checkSessionRequest(ctx, incoming, refundSessionRequest)
    if (!checked.ok) return checked.reply
    const { shop, body } = checked
    let amountCents: number
    try {
      amountCents = toCents(body.amount)
    } catch {
      return problem(400, `Invalid refund session request: amount ${body.amount} is not a whole number of cents.`)
    }
    if (amountCents === 0) return problem(400, "Invalid refund session request: amount must be more than zero.")
    const payment = await ctx.payments.byShopifyId(shop, body.payment_id)
    const { refund } = await ctx.refunds.claim({
      shop,
      shopifyId: body.id,
      gid: body.gid,
      paymentSessionId: payment?.id ?? null,
      paymentShopifyId: body.payment_id,
      amountCents,
      currency: body.currency,
    })
    if (refund.amountCents !== amountCents || refund.paymentShopifyId !== body.payment_id) {
      return problem(409, `Refund session ${body.id} was first requested with another amount or payment.`, { code: "id_conflict" })
    }
    await ctx.queues.add("refund", { refundSessionId: refund.id }, { delayMs: ctx.config.queues.firstCallDelayMs })
    return json(201, {})
  })
}
