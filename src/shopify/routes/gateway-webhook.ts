/**
 * POST /webhooks/gateway/:shop — the gateway's signed notice. Verified on the raw bytes with the
 * shop's webhook secret(s) (401 when it fails), trusted only for what it proves, confirmed with
 * one GET payments/{id}, decided once, and handed to the settle job. A 5xx asks the gateway to
 * deliver again; an already decided session costs no gateway call.
 */
import { GatewayNotFoundError, PAYMENT_COMPLETED, verifyWebhook } from "../../gateway"
import type { AppContext } from "../context"
import { judgePayment } from "../decision"
import { json, problem, type Router } from "../http/router"
import { SHOP_DOMAIN } from "../schemas"
import { decideAndSettle } from "../settle"

export function registerGatewayWebhookRoutes(router: Router, ctx: AppContext): void {
  router.add("POST", "/webhooks/gateway/:shop", async (incoming) => {
    const shop = incoming.params.shop.toLowerCase()
    if (!SHOP_DOMAIN.test(shop)) return problem(404, "Unknown shop.")
    const gateway = await ctx.gateways.forShop(shop)
    if (!gateway) return problem(404, `${shop} has no USDT gateway credentials here.`)
    // The gateway posts JSON (gateway-contract.md): a body sent as text or a form is not its delivery, even when its bytes verify.
    const type = String(incoming.headers["content-type"] ?? "").split(";")[0].trim().toLowerCase()
    if (type !== "application/json") return problem(415, "The gateway webhook takes Content-Type: application/json, as the gateway sends it.", { reason: "unsupported_media_type" })
    const { credentials, client } = gateway
    const secrets = [credentials.webhookSecret, credentials.previousWebhookSecret].filter((secret): secret is string => Boolean(secret))
    const verified = verifyWebhook({ rawBody: incoming.rawBody, headers: incoming.headers, secrets })
    if (!verified.valid) return problem(401, `Webhook signature rejected: ${verified.reason}.`, { reason: verified.reason })
    const event = verified.event
    const ignore = (why: string) => {
      ctx.log.info(`gateway webhook for ${shop} (payment ${event.payment_record_id}) ignored: ${why}`)
      return json(200, { received: true, ignored: why })
    }
    if (event.event !== PAYMENT_COMPLETED) return ignore(`event ${event.event} is not acted on`)
    if (String(event.merchant_id) !== credentials.merchantId) return ignore("another merchant's payment")
    const session = event.note ? await ctx.payments.byReference(shop, event.note) : null
    if (!session) return ignore("the note names no checkout of this shop")
    if (session.decision) {
      await ctx.queues.add("settlePayment", { paymentSessionId: session.id })
      return json(200, { received: true, status: session.status, decision: session.decision })
    }
    let payment
    try {
      payment = await client.getPayment(event.payment_record_id)
    } catch (error) {
      if (error instanceof GatewayNotFoundError) return ignore("the gateway has no such payment for this merchant")
      ctx.log.warn(`gateway webhook for ${shop}: confirming payment ${event.payment_record_id} failed: ${error instanceof Error ? error.message : String(error)}`)
      return problem(503, "Could not confirm the payment with the gateway; deliver again later.")
    }
    const verdict = judgePayment(session, payment)
    if (verdict.kind === "foreign") return ignore(verdict.why)
    if (verdict.kind === "wait") return problem(503, "The gateway does not show this payment as paid yet; deliver again later.")
    const decided = await decideAndSettle(ctx, session.id, verdict, payment.id)
    return json(200, { received: true, decision: decided?.decision ?? null })
  })
}
