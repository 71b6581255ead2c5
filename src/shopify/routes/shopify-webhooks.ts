/**
 * POST /webhooks/shopify — Shopify's mandatory privacy webhooks and app/uninstalled, validated by
 * `shopify.webhooks.validate` on the raw body (401 on a missing or bad HMAC, always, before the
 * body is even parsed). Each request is logged (topic, outcome; never the shopper's contact).
 */
import { z } from "zod"
import type { AppContext } from "../context"
import { json, problem, type Router } from "../http/router"
import { jobIdOf } from "../queues/names"
import { firstIssue, shopDomain } from "../schemas"
import { createPrivacyStore, type CustomerContact } from "../store/privacy"

export const SHOPIFY_WEBHOOKS_PATH = "/webhooks/shopify"

const contact = z.looseObject({ id: z.union([z.number(), z.string()]).nullish(), email: z.string().nullish(), phone: z.string().nullish() })
const customerPayload = z.looseObject({ shop_domain: shopDomain.optional(), customer: contact })
const shopPayload = z.looseObject({ shop_domain: shopDomain.optional() })

/** `customers/data_request` and `CUSTOMERS_DATA_REQUEST` alike. */
const TOPICS: Record<string, string> = {
  CUSTOMERS_DATA_REQUEST: "customers/data_request",
  CUSTOMERS_REDACT: "customers/redact",
  SHOP_REDACT: "shop/redact",
  APP_UNINSTALLED: "app/uninstalled",
}
const topicOf = (raw: string) => TOPICS[raw.trim().toUpperCase().replace("/", "_")] ?? raw

export function registerShopifyWebhookRoutes(router: Router, ctx: AppContext): void {
  const privacy = createPrivacyStore(ctx.pool, ctx.config.encryptionKey)

  async function stopJobs(openSessionIds: string[]): Promise<number> {
    let removed = 0
    for (const id of openSessionIds) {
      for (const key of ["settlePayment", "checkExpiry"] as const) {
        removed += await ctx.queues.all[key].remove(jobIdOf(key, { paymentSessionId: id })).catch(() => 0)
      }
    }
    return removed
  }

  router.add("POST", SHOPIFY_WEBHOOKS_PATH, async (incoming) => {
    const check = await ctx.shopify.webhooks.validate({ rawBody: incoming.rawBody.toString("utf8"), rawRequest: incoming.req, rawResponse: incoming.res })
    if (!check.valid) return problem(401, `Webhook HMAC rejected: ${check.reason}.`, { reason: check.reason })
    const shop = shopDomain.safeParse(check.domain)
    if (!shop.success) return problem(400, "Header X-Shopify-Shop-Domain must be a {shop}.myshopify.com domain.")
    let body: unknown
    try {
      body = JSON.parse(incoming.rawBody.toString("utf8"))
    } catch {
      return problem(400, "The body must be JSON.")
    }
    const topic = topicOf(check.topic)
    const webhookId = "webhookId" in check ? check.webhookId : null
    const customer = (): { ok: true; contact: CustomerContact } | { ok: false; message: string } => {
      const parsed = customerPayload.safeParse(body)
      if (!parsed.success) return { ok: false, message: firstIssue(parsed.error) }
      return { ok: true, contact: { email: parsed.data.customer.email, phone: parsed.data.customer.phone } }
    }
    const done = async (outcome: Record<string, unknown>) => {
      await privacy.logRequest(shop.data, topic, webhookId, outcome)
      ctx.log.info(`${topic} for ${shop.data}: ${JSON.stringify(outcome)}`)
      return json(200, { received: true, topic, ...outcome })
    }

    switch (topic) {
      case "customers/data_request": {
        const who = customer()
        if (!who.ok) return problem(400, `Invalid ${topic} payload: ${who.message}`)
        const sessions = await privacy.customerData(shop.data, who.contact)
        return done({ payment_sessions: sessions })
      }
      case "customers/redact": {
        const who = customer()
        if (!who.ok) return problem(400, `Invalid ${topic} payload: ${who.message}`)
        return done({ redacted_sessions: await privacy.redactCustomer(shop.data, who.contact) })
      }
      case "shop/redact": {
        if (!shopPayload.safeParse(body).success) return problem(400, `Invalid ${topic} payload.`)
        await ctx.sessions.deleteSession(ctx.shopify.session.getOfflineId(shop.data))
        return done({ deleted: await privacy.redactShop(shop.data) })
      }
      case "app/uninstalled": {
        await ctx.sessions.deleteSession(ctx.shopify.session.getOfflineId(shop.data))
        const { keptCredentials, openSessionIds } = await privacy.forgetOnUninstall(shop.data)
        const stoppedJobs = await stopJobs(openSessionIds)
        return done({ kept_credentials_for_pending_refund: keptCredentials, stopped_jobs: stoppedJobs })
      }
      default:
        return problem(422, `Topic ${check.topic} is not handled by this app.`)
    }
  })
}
