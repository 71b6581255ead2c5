/**
 * The Shopify app's boundaries on arbitrary input (fast-check; the Medusa half is in
 * properties-boundaries.test.ts): every zod schema of src/shopify either parses or refuses with
 * a clear "field: message"; the session-request parser answers ok or a 4xx for any headers and
 * bytes; the router finds a route or none for any path (a malformed %-escape once threw past the
 * server and stopped the process); the merchant session cookie parser reads any header without
 * throwing and accepts only cookies it issued, unexpired.
 */
import { IncomingMessage, ServerResponse } from "node:http"
import { Socket } from "node:net"
import fc from "fast-check"
import type { z } from "zod"
import type { AppContext } from "../../src/shopify/context"
import { createRouter, type Incoming } from "../../src/shopify/http/router"
import { COOKIE, createMerchantSessions } from "../../src/shopify/merchant/session"
import { settingsBody } from "../../src/shopify/routes/merchant"
import { checkSessionRequest } from "../../src/shopify/routes/session-request"
import { customerPayload } from "../../src/shopify/routes/shopify-webhooks"
import { firstIssue, paymentSessionRequest, refundSessionRequest, sessionRequestHeaders, shopDomain } from "../../src/shopify/schemas"

const RUNS = { numRuns: 500 }
const json = fc.jsonValue({ maxDepth: 4 })
/** Objects shaped a little like what a boundary expects: its keys, with any JSON (or near-miss strings) as values. */
const nearly = (keys: string[]) =>
  fc.dictionary(
    fc.oneof(fc.constantFrom(...keys), fc.string({ maxLength: 8 })),
    fc.oneof(json, fc.string(), fc.constantFrom("10.00", "-1", "1e3", "USD", "usd", "gid://shopify/PaymentSession/1", "gid://shopify/RefundSession/1", "https://x.example/c", "javascript:alert(1)")),
    { maxKeys: keys.length + 2 }
  )

const PAYMENT_KEYS = ["id", "gid", "amount", "currency", "test", "kind", "cancel_url", "payment_method", "customer"]
const REFUND_KEYS = ["id", "gid", "payment_id", "amount", "currency", "test"]

const schemas: Array<[string, z.ZodType, string[]]> = [
  ["payment session request", paymentSessionRequest, PAYMENT_KEYS],
  ["refund session request", refundSessionRequest, REFUND_KEYS],
  ["session request headers", sessionRequestHeaders, ["shopify-shop-domain", "shopify-request-id", "shopify-api-version"]],
  ["shop domain", shopDomain, []],
  ["merchant settings body", settingsBody, ["merchant_id", "api_key", "webhook_secret", "previous_webhook_secret"]],
  ["privacy webhook payload", customerPayload, ["customer", "shop_domain", "orders_to_redact"]],
]

describe("every Shopify zod boundary on arbitrary JSON", () => {
  it.each(schemas)("%s: safeParse never throws; a refusal names its field and problem", (_name, schema, keys) => {
    fc.assert(
      fc.property(fc.oneof(json, keys.length ? nearly(keys) : fc.string()), (value) => {
        const parsed = schema.safeParse(value)
        if (parsed.success) return true
        const message = firstIssue(parsed.error)
        return parsed.error.issues.length > 0 && typeof message === "string" && message.length > 0
      }),
      RUNS
    )
  })

  it("an accepted payment session request has a whole-cent-checkable decimal amount and a known kind", () => {
    fc.assert(
      fc.property(nearly(PAYMENT_KEYS), (value) => {
        const parsed = paymentSessionRequest.safeParse(value)
        return !parsed.success || (/^\d{1,12}(\.\d{1,4})?$/.test(parsed.data.amount) && ["sale", "authorization"].includes(parsed.data.kind))
      }),
      RUNS
    )
  })
})

describe("the session-request parser (payment and refund routes) on any headers and bytes", () => {
  // Only what checkSessionRequest reads: no TLS, and a shop store where every shop but one is installed.
  const ctx = {
    config: { tls: undefined },
    shops: { get: async (shop: string) => ({ shop, installed: shop !== "usdt-gone.myshopify.com", credentials: null, credentialsUpdatedAt: null }) },
  } as unknown as AppContext
  const req = new IncomingMessage(new Socket())
  const res = new ServerResponse(req)
  const incoming = (headers: Record<string, unknown>, rawBody: Buffer): Incoming => ({
    method: "POST",
    path: "/shopify/payment-sessions",
    params: {},
    query: new URLSearchParams(),
    headers: headers as Incoming["headers"],
    rawBody,
    req,
    res,
    clientCertificate: "no_tls",
  })
  const headers = fc.oneof(
    fc.dictionary(fc.string({ maxLength: 24 }), fc.oneof(fc.string(), fc.array(fc.string(), { maxLength: 3 }))),
    fc.record({ "shopify-shop-domain": fc.oneof(fc.constantFrom("usdt-alpha.myshopify.com", "usdt-gone.myshopify.com", "USDT-ALPHA.MYSHOPIFY.COM ", "evil.example.com"), fc.string()) })
  )
  const bodies = fc.oneof(
    fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes)),
    fc.oneof(json, nearly(PAYMENT_KEYS), nearly(REFUND_KEYS)).map((value) => Buffer.from(JSON.stringify(value) ?? "null"))
  )

  it.each([
    ["payment", paymentSessionRequest],
    ["refund", refundSessionRequest],
  ] as const)("%s: ok with the parsed body, or a 400/403 with a message — never a throw", async (_kind, schema) => {
    await fc.assert(
      fc.asyncProperty(headers, bodies, async (h, body) => {
        const checked = await checkSessionRequest(ctx, incoming(h, body), schema)
        if (checked.ok) return checked.shop.endsWith(".myshopify.com") && schema.safeParse(JSON.parse(body.toString("utf8"))).success
        const reply = checked.reply
        const error = typeof reply.body === "object" && reply.body !== null && "error" in reply.body ? reply.body.error : undefined
        return (reply.status === 400 || reply.status === 403) && typeof error === "string" && error.length > 0
      }),
      RUNS
    )
  })
})

describe("the router on any path", () => {
  const router = createRouter()
  const handler = async () => null
  for (const path of ["/shopify/return/:shop/:reference", "/webhooks/gateway/:shop", "/shopify/payment-sessions", "/admin/api/settings"]) router.add("GET", path, handler)
  const segment = fc.oneof(fc.constantFrom("%", "%E0%A4%A", "%ZZ", "%2F", "..", "shopify", "return", "webhooks", "gateway", "admin", "api", "settings", ""), fc.string({ maxLength: 12 }))

  it("finds a route (its params decoded) or answers 404/405 — a malformed %-escape never throws", () => {
    fc.assert(
      fc.property(fc.array(segment, { maxLength: 5 }), fc.constantFrom("GET", "POST"), (segments, method) => {
        const found = router.find(method, `/${segments.join("/")}`)
        return "status" in found ? found.status === 404 || found.status === 405 : Object.values(found.params).every((value) => typeof value === "string")
      }),
      { numRuns: 2000 }
    )
  })
})

describe("the merchant session cookie", () => {
  const SECRET = "app-secret-for-the-property"
  const sessions = createMerchantSessions(SECRET, true)

  it("any Cookie header is read without throwing, and names no shop unless this app issued it", () => {
    const value = fc.oneof(fc.string(), fc.constantFrom("usdt-alpha.myshopify.com.9999999999.", "usdt-alpha.myshopify.com.1.x"))
    fc.assert(
      fc.property(fc.oneof(fc.string(), value.map((v) => `${COOKIE}=${v}`), fc.array(value).map((parts) => parts.join("; "))), (cookie) => sessions.shopOf({ cookie }) === null),
      RUNS
    )
  })

  it("an issued cookie names its shop; changed in any one character, or past its expiry, it names none", () => {
    fc.assert(
      fc.property(fc.constantFrom("usdt-alpha.myshopify.com", "a.myshopify.com", "shop-0.myshopify.com"), fc.nat(), fc.string({ minLength: 1, maxLength: 1 }), (shop, at, replacement) => {
        const cookie = sessions.issue(shop).split(";")[0]
        if (sessions.shopOf({ cookie }) !== shop) return false
        const index = COOKIE.length + 1 + (at % (cookie.length - COOKIE.length - 1))
        const changed = `${cookie.slice(0, index)}${replacement}${cookie.slice(index + 1)}`
        const later = createMerchantSessions(SECRET, true, () => Date.now() + 9 * 3600_000)
        return (changed === cookie || sessions.shopOf({ cookie: changed }) === null) && later.shopOf({ cookie }) === null
      }),
      RUNS
    )
  })
})
