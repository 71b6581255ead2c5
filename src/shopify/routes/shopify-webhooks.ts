/**
 * POST /webhooks/shopify — Shopify's webhooks: the privacy topics every app must take
 * (customers/data_request, customers/redact, shop/redact) and app/uninstalled. Validated by
 * `shopify.webhooks.validate` (base64 HMAC of the raw body with the app secret): 401 on a bad or
 * missing HMAC, always, whatever the topic. Other topics are acknowledged and ignored.
 */
import type { AppContext } from "../context"
import { json, problem, type Router } from "../http/router"
import { jobIdOf } from "../queues/names"
import { SHOP_DOMAIN } from "../schemas"
import { createShopData } from "../store/shop-data"

export const SHOPIFY_WEBHOOKS_PATH = "/webhooks/shopify"

export function registerShopifyWebhookRoutes(router: Router, ctx: AppContext): void {
  const shopData = createShopData(ctx.pool)

  async function uninstall(shop: string) {
    const sessions = await ctx.sessions.findSessionsByShop(shop)
    if (sessions.length) await ctx.sessions.deleteSessions(sessions.map((session) => session.id))
    const { closedSessionIds, pendingRefundIds } = await shopData.uninstall(shop)
    for (const id of closedSessionIds) {
      await ctx.queues.all.checkExpiry.remove(jobIdOf("checkExpiry", { paymentSessionId: id }))
      await ctx.queues.all.settlePayment.remove(jobIdOf("settlePayment", { paymentSessionId: id }))
    }
    ctx.log.info(`${shop} uninstalled the app: ${sessions.length} Shopify session(s) deleted, ${closedSessionIds.length} open payment session(s) closed, ${pendingRefundIds.length} pending refund(s) kept`)
    return { sessions_deleted: sessions.length, payment_sessions_closed: closedSessionIds.length, refunds_pending: pendingRefundIds.length }
  }

  router.add("POST", SHOPIFY_WEBHOOKS_PATH, async (incoming) => {
    const check = await ctx.shopify.webhooks.validate({ rawBody: incoming.rawBody.toString("utf8"), rawRequest: incoming.req, rawResponse: incoming.res })
    if (!check.valid) return problem(401, `Webhook HMAC validation failed (${check.reason}).`)
    const shop = check.domain.toLowerCase()
    if (!SHOP_DOMAIN.test(shop)) return problem(400, "X-Shopify-Shop-Domain is not a {shop}.myshopify.com domain.")
    switch (check.topic.toLowerCase().replace(/_/g, "/")) {
      case "app/uninstalled":
        return json(200, { received: true, ...(await uninstall(shop)) })
      case "shop/redact": {
        await uninstall(shop)
        const deleted = await shopData.forget(shop)
        ctx.log.info(`${shop} redacted: ${JSON.stringify(deleted)}`)
        return json(200, { received: true, deleted })
      }
      case "customers/redact":
      case "customers/data/request":
        // Nothing to erase or report: no customer's personal data is ever stored (see store/shop-data.ts).
        return json(200, { received: true, customer_data_held: false })
      default:
        return json(200, { received: true, ignored: check.topic })
    }
  })
}
