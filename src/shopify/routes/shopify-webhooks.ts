/**
 * POST /webhooks/shopify — Shopify's webhooks: the privacy topics every app must take
 * (customers/data_request, customers/redact, shop/redact) and app/uninstalled. Validated by
 * `shopify.webhooks.validate` (base64 HMAC of the raw body with the app secret): 401 on a bad or
 * missing HMAC, always, whatever the topic, before the body is parsed. Other topics are
 * acknowledged and ignored. The shopper is known here only by keyed pseudonyms (store/privacy.ts).
 */
import { z } from "zod"
import type { AppContext } from "../context"
import { json, problem, type Router } from "../http/router"
import { jobIdOf } from "../queues/names"
import { firstIssue, SHOP_DOMAIN } from "../schemas"
import { createPrivacyStore } from "../store/privacy"
import { createShopData } from "../store/shop-data"

export const SHOPIFY_WEBHOOKS_PATH = "/webhooks/shopify"

export const customerPayload = z.looseObject({
  customer: z.looseObject({ id: z.union([z.number(), z.string()]).nullish(), email: z.string().max(320).nullish(), phone: z.string().max(64).nullish() }),
})

export function registerShopifyWebhookRoutes(router: Router, ctx: AppContext): void {
  const shopData = createShopData(ctx.pool)
  const privacy = createPrivacyStore(ctx.pool, ctx.config.encryptionKey)

  async function uninstall(shop: string) {
    const sessions = await ctx.sessions.findSessionsByShop(shop)
    if (sessions.length) await ctx.sessions.deleteSessions(sessions.map((session) => session.id))
    const { closedSessionIds, pendingRefundIds } = await shopData.uninstall(shop)
    const unlinked = await privacy.unlinkShop(shop)
    await ctx.reconcile?.unschedule(shop)
    for (const id of closedSessionIds) {
      await ctx.queues.all.checkExpiry.remove(jobIdOf("checkExpiry", { paymentSessionId: id }))
      await ctx.queues.all.settlePayment.remove(jobIdOf("settlePayment", { paymentSessionId: id }))
    }
    ctx.log.info(`${shop} uninstalled the app: ${sessions.length} Shopify session(s) deleted, ${closedSessionIds.length} open payment session(s) closed, ${pendingRefundIds.length} pending refund(s) kept`)
    return { sessions_deleted: sessions.length, payment_sessions_closed: closedSessionIds.length, refunds_pending: pendingRefundIds.length, shopper_links_deleted: unlinked }
  }

  router.add("POST", SHOPIFY_WEBHOOKS_PATH, async (incoming) => {
    const check = await ctx.shopify.webhooks.validate({ rawBody: incoming.rawBody.toString("utf8"), rawRequest: incoming.req, rawResponse: incoming.res })
    if (!check.valid) return problem(401, `Webhook HMAC validation failed (${check.reason}).`)
    const shop = check.domain.toLowerCase()
    if (!SHOP_DOMAIN.test(shop)) return problem(400, "X-Shopify-Shop-Domain is not a {shop}.myshopify.com domain.")
    const rawTopic = check.topic
    const topic = rawTopic.toLowerCase().replace(/_/g, "/")
    const webhookId = "webhookId" in check ? check.webhookId : null

    async function customerTopic(name: string, run: (contact: { email?: string | null; phone?: string | null }) => Promise<Record<string, unknown>>) {
      let body: unknown
      try {
        body = JSON.parse(incoming.rawBody.toString("utf8"))
      } catch {
        return problem(400, "The body must be JSON.")
      }
      const parsed = customerPayload.safeParse(body)
      if (!parsed.success) return problem(400, `Invalid ${rawTopic} payload: ${firstIssue(parsed.error)}`)
      const outcome = await run(parsed.data.customer)
      await privacy.logRequest(shop, name, webhookId, outcome)
      return json(200, { received: true, contact_stored: false, ...outcome })
    }

    switch (topic) {
      case "app/uninstalled":
        return json(200, { received: true, ...(await uninstall(shop)) })
      case "shop/redact": {
        await uninstall(shop)
        const deleted = { ...(await shopData.forget(shop)), ...(await privacy.forgetShop(shop)) }
        ctx.log.info(`${shop} redacted: ${JSON.stringify(deleted)}`)
        return json(200, { received: true, deleted })
      }
      // No email, phone or name is ever stored: what is held is which payment sessions a shopper's pseudonym paid.
      case "customers/data/request":
        return customerTopic("customers/data_request", async (contact) => ({ payment_sessions: await privacy.customerData(shop, contact) }))
      case "customers/redact":
        return customerTopic("customers/redact", async (contact) => ({ redacted_sessions: await privacy.redactCustomer(shop, contact) }))
      default:
        return json(200, { received: true, ignored: check.topic })
    }
  })
}
