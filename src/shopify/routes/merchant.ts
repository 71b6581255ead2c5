/**
 * The merchant page (`admin/index.html`, served at /admin, with its Polaris bundle from
 * admin/dist at /admin/assets/: `npm run build:admin`) and its JSON API under /admin/api.
 * Opening the app from Shopify (a signed launch URL) starts a merchant session; every API call
 * takes the shop from that session only, so nothing a page sends can reach another shop. POSTs
 * must be JSON (a cross-site form cannot send that). Secrets are never sent back, only masked.
 */
import { existsSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { z } from "zod"
import { createGatewayClient, GatewayAuthError, GatewayError, signWebhook } from "../../gateway"
import type { AppContext } from "../context"
import { connectGateway, type ConnectionResult, disconnectGateway } from "../gateway-connection"
import { type Incoming, json, problem, type Reply, type Router } from "../http/router"
import { shopOverview } from "../merchant/overview"
import { createMerchantSessions } from "../merchant/session"
import { firstIssue, shopDomain } from "../schemas"
import { gatewayWebhookUrl } from "./payment-sessions"

const ADMIN_DIR = join(__dirname, "..", "..", "..", "admin")
const PAGE_FILE = join(ADMIN_DIR, "index.html")
/** The bundle's files (scripts/build-admin.ts): nothing else under admin/ is served. */
const ASSETS: Record<string, string> = { "app.js": "text/javascript; charset=utf-8", "app.css": "text/css; charset=utf-8" }
/** Polaris sets inline style attributes and uses data: SVGs in its CSS; scripts come only from the app. */
const PAGE_CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

const secret = z.string().trim().min(8, { error: "must be at least 8 characters" }).max(256)
export const settingsBody = z.object({
  merchant_id: z.string().trim().regex(/^\d{1,12}$/, { error: "must be the gateway's numeric merchant id" }),
  /** Empty or absent: keep the saved one. */
  api_key: secret.optional().or(z.literal("")),
  webhook_secret: secret.optional().or(z.literal("")),
  previous_webhook_secret: secret.optional().or(z.literal("")),
})

export const mask = (value: string) => (value.length <= 8 ? "••••" : `${value.slice(0, 4)}••••${value.slice(-4)}`)

export function registerMerchantRoutes(router: Router, ctx: AppContext): void {
  const sessions = createMerchantSessions(ctx.config.apiSecret, ctx.config.appUrl.startsWith("https:"))

  /** The shop of the request's merchant session (still installed), or the 401/415 to answer. */
  async function merchant(incoming: Incoming): Promise<{ shop: string } | { reply: Reply }> {
    const shop = sessions.shopOf(incoming.headers)
    if (!shop || !(await ctx.shops.get(shop))?.installed) return { reply: problem(401, "Open the app from your Shopify admin to sign in.", { code: "no_session" }) }
    if (incoming.method === "POST" && !String(incoming.headers["content-type"] ?? "").startsWith("application/json")) {
      return { reply: problem(415, "Send JSON (content-type: application/json).") }
    }
    return { shop }
  }

  function body<S extends z.ZodType>(schema: S, incoming: Incoming): { ok: true; data: z.infer<S> } | { ok: false; reply: Reply } {
    let value: unknown
    try {
      value = JSON.parse(incoming.rawBody.toString("utf8") || "{}")
    } catch {
      return { ok: false, reply: problem(400, "The body must be JSON.") }
    }
    const parsed = schema.safeParse(value)
    return parsed.success ? { ok: true, data: parsed.data } : { ok: false, reply: problem(400, `Invalid settings: ${firstIssue(parsed.error)}`) }
  }

  async function settingsView(shop: string) {
    const record = await ctx.shops.get(shop)
    const c = record?.credentials
    return {
      shop,
      configured: Boolean(c),
      merchant_id: c?.merchantId ?? null,
      api_key: c ? mask(c.apiKey) : null,
      webhook_secret: c ? mask(c.webhookSecret) : null,
      previous_webhook_secret: c?.previousWebhookSecret ? mask(c.previousWebhookSecret) : null,
      webhook_url: gatewayWebhookUrl(ctx.config.appUrl, shop),
      updated_at: record?.credentialsUpdatedAt?.toISOString() ?? null,
    }
  }

  async function checkGateway(merchantId: string, apiKey: string): Promise<{ ok: true; balance: unknown } | { ok: false; status: number; message: string }> {
    const client = createGatewayClient({ baseUrl: ctx.config.gatewayUrl, merchantId, apiKey })
    try {
      return { ok: true, balance: await client.getBalance() }
    } catch (error) {
      if (error instanceof GatewayAuthError) return { ok: false, status: 422, message: "The gateway refused these credentials (wrong API key, or a merchant id that is not the key's owner)." }
      if (error instanceof GatewayError) return { ok: false, status: 502, message: `The gateway could not be asked: ${error.message}` }
      throw error
    } finally {
      await client.close()
    }
  }

  router.add("GET", "/admin", async (incoming) => {
    if (incoming.query.has("hmac")) {
      const query = Object.fromEntries(incoming.query.entries())
      const shop = shopDomain.safeParse(query.shop)
      const valid = shop.success && (await ctx.shopify.utils.validateHmac(query).catch(() => false))
      if (!shop.success || !valid) return problem(401, "This link to the app is not signed by Shopify (or is too old): open the app from your Shopify admin.")
      if (!(await ctx.shops.get(shop.data))?.installed) return { status: 302, headers: { location: `/shopify/auth?shop=${shop.data}` } }
      return { status: 302, headers: { location: "/admin/", "set-cookie": sessions.issue(shop.data) } }
    }
    const who = await merchant(incoming)
    if ("reply" in who) return who.reply
    return { status: 200, headers: { "content-type": "text/html; charset=utf-8", "content-security-policy": PAGE_CSP }, body: readFileSync(PAGE_FILE, "utf8") }
  })

  // The page's code and styles hold nothing of a shop: served without a session.
  router.add("GET", "/admin/assets/:file", async (incoming) => {
    const type = Object.hasOwn(ASSETS, incoming.params.file) ? ASSETS[incoming.params.file] : undefined
    if (!type) return problem(404, "No such file.")
    const file = join(ADMIN_DIR, "dist", incoming.params.file)
    if (!existsSync(file)) return problem(503, "The merchant page is not built: run `npm run build:admin`.", { code: "page_not_built" })
    return { status: 200, headers: { "content-type": type, "cache-control": "no-cache", "x-content-type-options": "nosniff" }, body: readFileSync(file, "utf8") }
  })

  router.add("GET", "/admin/api/settings", async (incoming) => {
    const who = await merchant(incoming)
    return "reply" in who ? who.reply : json(200, await settingsView(who.shop))
  })

  router.add("POST", "/admin/api/settings", async (incoming) => {
    const who = await merchant(incoming)
    if ("reply" in who) return who.reply
    const parsed = body(settingsBody, incoming)
    if (!parsed.ok) return parsed.reply
    const saved = (await ctx.shops.get(who.shop))?.credentials
    const input = parsed.data
    const apiKey = input.api_key || saved?.apiKey
    const webhookSecret = input.webhook_secret || saved?.webhookSecret
    if (!apiKey || !webhookSecret) return problem(400, "Invalid settings: api_key and webhook_secret are required the first time.")
    if (input.previous_webhook_secret && input.previous_webhook_secret === webhookSecret) return problem(400, "Invalid settings: the previous webhook secret is the current one.")
    const check = await checkGateway(input.merchant_id, apiKey)
    if (!check.ok) return problem(check.status, check.message, { code: "gateway_check_failed" })
    const connected = await connectGateway(ctx, who.shop, { merchantId: input.merchant_id, apiKey, webhookSecret, previousWebhookSecret: input.previous_webhook_secret || undefined }).catch(
      (error: unknown): ConnectionResult => ({ ok: false, message: `Shopify could not be told: ${error instanceof Error ? error.message : String(error)}` })
    )
    await ctx.reconcile?.schedule(who.shop)
    ctx.log.info(`${who.shop} saved its gateway credentials (merchant ${input.merchant_id}); ready at Shopify: ${connected.ok}`)
    return json(200, { ...(await settingsView(who.shop)), ready: connected.ok, ...(!connected.ok && { ready_error: connected.message }) })
  })

  router.add("POST", "/admin/api/settings/remove", async (incoming) => {
    const who = await merchant(incoming)
    if ("reply" in who) return who.reply
    const disconnected = await disconnectGateway(ctx, who.shop).catch((error: unknown): ConnectionResult => ({ ok: false, message: error instanceof Error ? error.message : String(error) }))
    await ctx.reconcile?.unschedule(who.shop)
    return json(200, { ...(await settingsView(who.shop)), ready: false, shopify_told: disconnected.ok })
  })

  router.add("POST", "/admin/api/test-connection", async (incoming) => {
    const who = await merchant(incoming)
    if ("reply" in who) return who.reply
    const c = (await ctx.shops.get(who.shop))?.credentials
    if (!c) return problem(409, "Save the gateway credentials first.", { code: "not_configured" })
    const started = Date.now()
    const check = await checkGateway(c.merchantId, c.apiKey)
    return json(200, check.ok ? { ok: true, message: "Connected to the gateway.", latency_ms: Date.now() - started, balance: check.balance } : { ok: false, message: check.message })
  })

  router.add("POST", "/admin/api/test-webhook", async (incoming) => {
    const who = await merchant(incoming)
    if ("reply" in who) return who.reply
    const c = (await ctx.shops.get(who.shop))?.credentials
    if (!c) return problem(409, "Save the gateway credentials first.", { code: "not_configured" })
    const event = { event: "test.ping", merchant_id: Number(c.merchantId), amount: "0.00", currency: "USDT", note: null, payment_record_id: 1 }
    const signed = signWebhook({ body: event, secrets: c.webhookSecret })
    const url = gatewayWebhookUrl(ctx.config.appUrl, who.shop)
    try {
      const answer = await fetch(url, { method: "POST", headers: signed.headers, body: signed.body })
      const ok = answer.status === 200
      return json(200, { ok, status: answer.status, message: ok ? `The webhook URL answered 200 and verified the signature with the saved secret.` : `The webhook URL answered ${answer.status}.` })
    } catch {
      return json(200, { ok: false, status: null, message: `The webhook URL ${url} could not be reached from the app.` })
    }
  })

  router.add("GET", "/admin/api/activity", async (incoming) => {
    const who = await merchant(incoming)
    if ("reply" in who) return who.reply
    return json(200, { ...(await shopOverview(ctx.pool, who.shop)), reconcile_scheduled: (await ctx.reconcile?.isScheduled(who.shop)) ?? false })
  })
}
