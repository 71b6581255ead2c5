/**
 * The Shopify half of the attack corpus (issue #12), one list per endpoint that takes
 * unauthenticated input: the gateway webhook (the shared corpus of test/security plus the
 * Shopify routing cases), Shopify's webhooks, the payment and refund session requests (mTLS:
 * without a certificate, with a foreign one, and with Shopify's own carrying a bad request), the
 * return page, OAuth, and the merchant page and its API. Each attack must be answered 4xx (the
 * listed statuses where it says) and change nothing.
 */
import { createHmac } from "node:crypto"
import { signWebhook } from "../../../src/gateway"
import { createMerchantSessions } from "../../../src/shopify/merchant/session"
import { signCallbackQuery } from "../../../src/shopify/standin/oauth"
import { launchUrl } from "../../../src/shopify/standin/open-app"
import { webhookAttacks } from "../../security/webhook-attacks"

export interface Attack {
  name: string
  method: string
  path: string
  headers: Array<[string, string]>
  body?: string
  /** The client certificate presented (its name in the certificate directory); none by default. */
  client?: string
  /** The statuses that count as refused; any 4xx by default. */
  expect?: number[]
}

/** What the corpora are built from: the two shops, their gateway merchants, and what exists already. */
export interface Targets {
  appUrl: string
  apiKey: string
  apiSecret: string
  shopA: string
  shopB: string
  /** A shop that never installed the app. */
  stranger: string
  merchantA: { apiKey: string; webhookSecret: string }
  merchantB: { apiKey: string; webhookSecret: string }
  /** Shop A's paid payment session (its webhook not delivered yet) and its gateway delivery body. */
  paymentA: { id: string; reference: string; amount: string }
  delivery: string
  /** Shop A's refund session of that payment. */
  refundA: { id: string; amount: string }
  /** Shop A's valid merchant session cookie (`usdt_merchant=…`). */
  cookieA: string
}

const JSON_TYPE: [string, string] = ["content-type", "application/json"]
const SHOPIFY = "shopify-client"
const cookieOf = (setCookie: string) => setCookie.split(";")[0]

export function gatewayWebhookAttacks(t: Targets): Attack[] {
  const path = `/webhooks/gateway/${t.shopA}`
  const corpus = webhookAttacks(t.delivery, { secret: t.merchantA.webhookSecret, apiKey: t.merchantA.apiKey, otherSecret: t.merchantB.webhookSecret })
  const signedBy = (secret: string): Array<[string, string]> => Object.entries(signWebhook({ body: t.delivery, secrets: secret }).headers)
  const genuine = signedBy(t.merchantA.webhookSecret)
  return [
    ...corpus.map((attack) => ({ name: attack.name, method: attack.method ?? "POST", path, headers: attack.headers, body: String(attack.body) })),
    { name: "signed with the Shopify app secret", method: "POST", path, headers: signedBy(t.apiSecret), body: t.delivery },
    { name: "shop A's valid delivery sent to shop B's URL", method: "POST", path: `/webhooks/gateway/${t.shopB}`, headers: genuine, body: t.delivery, expect: [401] },
    { name: "a shop that never installed", method: "POST", path: `/webhooks/gateway/${t.stranger}`, headers: genuine, body: t.delivery, expect: [404] },
    { name: "not a shop domain in the path", method: "POST", path: "/webhooks/gateway/evil.example.com", headers: genuine, body: t.delivery, expect: [404] },
    { name: "malformed %-escape in the path", method: "POST", path: "/webhooks/gateway/%E0%A4%A", headers: genuine, body: t.delivery, expect: [404] },
    { name: "an extra path segment", method: "POST", path: `${path}/extra`, headers: genuine, body: t.delivery, expect: [404] },
  ]
}

export function shopifyWebhookAttacks(t: Targets): Attack[] {
  const path = "/webhooks/shopify"
  const payload = JSON.stringify({ shop_id: 1, shop_domain: t.shopA, customer: { id: 1, email: "buyer@example.com" }, orders_to_redact: [1] })
  const hmac = (body: string, secret = t.apiSecret, encoding: "base64" | "hex" = "base64") => createHmac("sha256", secret).update(body).digest(encoding)
  const headers = (topic: string, signature: string | null, shop: string | null = t.shopA): Array<[string, string]> => [
    JSON_TYPE,
    ["x-shopify-topic", topic],
    ...(signature === null ? [] : [["x-shopify-hmac-sha256", signature] as [string, string]]),
    ...(shop === null ? [] : [["x-shopify-shop-domain", shop] as [string, string]]),
    ["x-shopify-api-version", "2026-07"],
    ["x-shopify-webhook-id", "attack-webhook"],
  ]
  const forged = Buffer.from("forged hmac value 32 bytes long!").toString("base64")
  const post = (name: string, h: Array<[string, string]>, body = payload, expect?: number[]): Attack => ({ name, method: "POST", path, headers: h, body, expect })
  const unsigned = (name: string, h: Array<[string, string]>, body = payload) => post(name, h, body, [401])
  const valid = hmac(payload)
  return [
    unsigned("app/uninstalled with no HMAC header", headers("app/uninstalled", null)),
    unsigned("shop/redact with a forged HMAC", headers("shop/redact", forged)),
    unsigned("customers/redact with the HMAC of another body", headers("customers/redact", valid), payload.replace(t.shopA, t.shopB)),
    unsigned("app/uninstalled signed with a wrong secret", headers("app/uninstalled", hmac(payload, `${t.apiSecret}-wrong`))),
    unsigned("app/uninstalled signed with the app's (public) client id", headers("app/uninstalled", hmac(payload, t.apiKey))),
    unsigned("shop/redact signed with the shop's gateway webhook secret", headers("shop/redact", hmac(payload, t.merchantA.webhookSecret))),
    unsigned("shop/redact with the right HMAC hex-encoded (Shopify sends base64)", headers("shop/redact", hmac(payload, t.apiSecret, "hex"))),
    unsigned("app/uninstalled with an empty HMAC header", headers("app/uninstalled", "")),
    unsigned("duplicated HMAC header (valid line, then a forged one)", [...headers("app/uninstalled", valid), ["x-shopify-hmac-sha256", forged]]),
    unsigned("duplicated HMAC header (forged line, then the valid one)", [["x-shopify-hmac-sha256", forged], ...headers("app/uninstalled", valid)]),
    unsigned("valid HMAC but no topic header", headers("app/uninstalled", valid).filter(([name]) => name !== "x-shopify-topic")),
    unsigned("valid HMAC but no shop domain header", headers("app/uninstalled", valid, null)),
    post("valid HMAC, shop domain header not a myshopify domain", headers("app/uninstalled", valid, "evil.example.com"), payload, [400]),
    post("valid HMAC, customers/redact with malformed JSON", headers("customers/redact", hmac("{\"customer\":")), "{\"customer\":", [400]),
    post("valid HMAC, customers/data_request without a customer", headers("customers/data_request", hmac("{\"shop_domain\":1}")), "{\"shop_domain\":1}", [400]),
    post("valid HMAC, customers/redact with a 400-character email", headers("customers/redact", hmac(JSON.stringify({ customer: { email: "x".repeat(400) } }))), JSON.stringify({ customer: { email: "x".repeat(400) } }), [400]),
    post("body over the limit (2 MB, forged HMAC)", headers("shop/redact", forged), `${payload}${" ".repeat(2_000_000)}`, [413]),
    unsigned("malformed JSON, forged HMAC", headers("customers/redact", forged), "{not json"),
    unsigned("wrong content type (text/plain), forged HMAC", [["content-type", "text/plain"], ...headers("app/uninstalled", forged).slice(1)]),
    { name: "GET instead of POST", method: "GET", path, headers: headers("app/uninstalled", valid), expect: [405] },
  ]
}

function sessionAttacks(kind: "payment" | "refund", t: Targets): Attack[] {
  const path = `/shopify/${kind}-sessions`
  const gid = kind === "payment" ? "PaymentSession" : "RefundSession"
  const good: Record<string, unknown> =
    kind === "payment"
      ? { id: "attack-new", gid: `gid://shopify/${gid}/attack-new`, amount: "10.00", currency: "USD", kind: "sale", test: true, payment_method: { type: "offsite", data: { cancel_url: "https://shop.example/cancel" } } }
      : { id: "attack-new", gid: `gid://shopify/${gid}/attack-new`, payment_id: t.paymentA.id, amount: "1.00", currency: "USD", test: true }
  const body = (over: Record<string, unknown>) => JSON.stringify({ ...good, ...over })
  const shop = (domain: string): [string, string] => ["shopify-shop-domain", domain]
  /** `client` null: no certificate at all. */
  const from = (name: string, headers: Array<[string, string]>, text: string, client: string | null = SHOPIFY, expect?: number[]): Attack => ({ name, method: "POST", path, headers, body: text, client: client ?? undefined, expect })
  const bad = (name: string, over: Record<string, unknown>) => from(name, [JSON_TYPE, shop(t.shopA)], body(over), SHOPIFY, [400])
  const existing = kind === "payment" ? t.paymentA : t.refundA
  return [
    // Transport: Shopify's client certificate is the only authentication these requests carry.
    from("no client certificate", [JSON_TYPE, shop(t.shopA)], body({}), null, [401]),
    from("a client certificate from another CA", [JSON_TYPE, shop(t.shopA)], body({}), "rogue-client", [401]),
    // OpenSSL finds the trusted CA by name, the signature fails: the server ends the handshake (no answer at all) or answers 401.
    from("a self-signed certificate named like Shopify's CA", [JSON_TYPE, shop(t.shopA)], body({}), "impostor-client", [0, 401]),
    from("no client certificate, another shop's header", [JSON_TYPE, shop(t.shopB)], body({}), null, [401]),
    from("no client certificate, malformed JSON", [JSON_TYPE, shop(t.shopA)], "{", null, [401]),
    // With Shopify's certificate: a request the app must still refuse.
    from("no Shopify-Shop-Domain header", [JSON_TYPE], body({}), SHOPIFY, [400]),
    from("Shopify-Shop-Domain not a myshopify domain", [JSON_TYPE, shop("evil.example.com")], body({}), SHOPIFY, [400]),
    from("duplicated Shopify-Shop-Domain header (A, then B)", [JSON_TYPE, shop(t.shopA), shop(t.shopB)], body({}), SHOPIFY, [400]),
    from("a shop that never installed", [JSON_TYPE, shop(t.stranger)], body({}), SHOPIFY, [403]),
    from("malformed JSON", [JSON_TYPE, shop(t.shopA)], "{\"id\": ", SHOPIFY, [400]),
    from("a JSON array", [JSON_TYPE, shop(t.shopA)], "[]", SHOPIFY, [400]),
    from("form-encoded body", [["content-type", "application/x-www-form-urlencoded"], shop(t.shopA)], "id=attack-new&amount=10.00&currency=USD", SHOPIFY, [400]),
    from("empty body", [JSON_TYPE, shop(t.shopA)], "", SHOPIFY, [400]),
    from("body over the limit (2 MB)", [JSON_TYPE, shop(t.shopA)], body({ pad: "x".repeat(2_000_000) }), SHOPIFY, [413]),
    { name: "GET instead of POST", method: "GET", path, headers: [shop(t.shopA)], client: SHOPIFY, expect: [405] },
    bad("amount as a JSON number", { amount: 10 }),
    bad("a negative amount", { amount: "-10.00" }),
    bad("a zero amount", { amount: "0.00" }),
    bad("fractions of a cent", { amount: "10.005" }),
    bad("an exponent amount", { amount: "1e3" }),
    bad("a lower-case currency", { currency: "usd" }),
    bad("a gid of another type", { gid: "gid://shopify/Order/1" }),
    bad("an empty id", { id: "" }),
    bad("an id over 255 characters", { id: "x".repeat(300) }),
    bad("test as a string", { test: "yes" }),
    bad("no id at all", { id: undefined }),
    ...(kind === "payment"
      ? [
          bad("a javascript: cancel_url", { payment_method: { type: "offsite", data: { cancel_url: "javascript:alert(1)" } } }),
          bad("an unknown kind", { kind: "steal" }),
          from("an existing session id with another amount", [JSON_TYPE, shop(t.shopA)], body({ id: existing.id, gid: `gid://shopify/${gid}/${existing.id}`, amount: "999.00" }), SHOPIFY, [409]),
          from("an existing session id with another currency", [JSON_TYPE, shop(t.shopA)], body({ id: existing.id, gid: `gid://shopify/${gid}/${existing.id}`, amount: existing.amount, currency: "EUR" }), SHOPIFY, [409]),
        ]
      : [
          bad("an empty payment_id", { payment_id: "" }),
          from("an existing refund id with another amount", [JSON_TYPE, shop(t.shopA)], body({ id: existing.id, gid: `gid://shopify/${gid}/${existing.id}`, amount: "6.00" }), SHOPIFY, [409]),
          from("an existing refund id naming another payment", [JSON_TYPE, shop(t.shopA)], body({ id: existing.id, gid: `gid://shopify/${gid}/${existing.id}`, amount: existing.amount, payment_id: "another-payment" }), SHOPIFY, [409]),
        ]),
  ]
}

export const paymentSessionAttacks = (t: Targets) => sessionAttacks("payment", t)
export const refundSessionAttacks = (t: Targets) => sessionAttacks("refund", t)

export function returnAttacks(t: Targets): Attack[] {
  const get = (name: string, path: string, expect = [404], method = "GET"): Attack => ({ name, method, path, headers: [], expect })
  return [
    get("an unknown reference", `/shopify/return/${t.shopA}/shp_${"0".repeat(32)}`),
    get("shop A's reference under shop B", `/shopify/return/${t.shopB}/${t.paymentA.reference}`),
    get("shop A's reference under a shop that never installed", `/shopify/return/${t.stranger}/${t.paymentA.reference}`),
    get("malformed %-escape", `/shopify/return/%E0%A4%A/${t.paymentA.reference}`),
    get("path traversal", `/shopify/return/..%2F..%2Fetc/passwd`),
    get("SQL in the reference", `/shopify/return/${t.shopA}/${encodeURIComponent("' OR '1'='1")}`),
    get("a 4000-character reference", `/shopify/return/${t.shopA}/${"a".repeat(4000)}`),
    get("an extra path segment", `/shopify/return/${t.shopA}/${t.paymentA.reference}/x`),
    get("POST instead of GET", `/shopify/return/${t.shopA}/${t.paymentA.reference}`, [405], "POST"),
  ]
}

export function oauthAttacks(t: Targets): Attack[] {
  const browser: [string, string] = ["user-agent", "Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0"]
  const get = (name: string, path: string, headers: Array<[string, string]> = [browser], expect?: number[]): Attack => ({ name, method: "GET", path, headers, expect })
  const callback = (query: Record<string, string>) => `/shopify/auth/callback?${new URLSearchParams(query).toString()}`
  const signed = (query: Record<string, string>, secret = t.apiSecret) => ({ ...query, hmac: signCallbackQuery(secret, query) })
  const base = { code: "forged-code", shop: t.shopA, state: "forged-state", timestamp: String(Math.floor(Date.now() / 1000)) }
  return [
    get("begin without a shop", "/shopify/auth", [browser], [400]),
    get("begin for a non-Shopify domain", "/shopify/auth?shop=evil.example.com", [browser], [400]),
    get("begin for a javascript: shop", `/shopify/auth?shop=${encodeURIComponent("javascript:alert(1)")}`, [browser], [400]),
    get("begin for a shop with a path", `/shopify/auth?shop=${encodeURIComponent(`${t.shopA}/../evil`)}`, [browser], [400]),
    get("begin from a bot user agent", `/shopify/auth?shop=${t.shopA}`, [["user-agent", "curl/8.5.0"]], [410]),
    { name: "POST to begin", method: "POST", path: `/shopify/auth?shop=${t.shopA}`, headers: [browser], body: "", expect: [405] },
    get("callback with no parameters", "/shopify/auth/callback", [browser], [400]),
    get("callback with a forged HMAC", callback({ ...base, hmac: "00".repeat(32) }), [browser], [400]),
    get("callback signed with a wrong secret", callback(signed(base, `${t.apiSecret}-wrong`)), [browser], [400]),
    get("callback correctly signed but without the state cookie", callback(signed(base)), [browser], [400]),
    get("callback correctly signed with a forged state cookie", callback(signed(base)), [browser, ["cookie", "shopify_app_state=forged-state; shopify_app_state.sig=forged"]], [400]),
    get("callback for a non-Shopify domain", callback(signed({ ...base, shop: "evil.example.com" })), [browser], [400]),
  ]
}

/** The merchant page and its API: no session or a bad one (401), and bad input with a valid session. */
export function merchantAttacks(t: Targets): Attack[] {
  const secure = t.appUrl.startsWith("https:")
  const sessions = (secret: string, now = Date.now) => createMerchantSessions(secret, secure, now)
  const nineHoursAgo = () => Date.now() - 9 * 3600_000
  const validA = t.cookieA.slice("usdt_merchant=".length)
  const credentials: Array<[string, string | null]> = [
    ["no session", null],
    ["a garbage cookie", "usdt_merchant=garbage"],
    ["shop A's cookie edited to name shop B", `usdt_merchant=${validA.replace(t.shopA, t.shopB)}`],
    ["shop A's cookie with its expiry pushed back", `usdt_merchant=${validA.replace(/\.(\d+)\./, (_m, expires: string) => `.${Number(expires) + 86_400}.`)}`],
    ["an expired cookie (signed 9 h ago)", cookieOf(sessions(t.apiSecret, nineHoursAgo).issue(t.shopA))],
    ["a cookie signed with another key", cookieOf(sessions(`${t.apiSecret}-other`).issue(t.shopA))],
    ["a validly signed cookie of a shop that never installed", cookieOf(sessions(t.apiSecret).issue(t.stranger))],
    ["the session value under another cookie name", `session=${validA}`],
  ]
  const routes: Array<[string, string]> = [
    ["GET", "/admin/"],
    ["GET", "/admin/api/settings"],
    ["POST", "/admin/api/settings"],
    ["POST", "/admin/api/settings/remove"],
    ["POST", "/admin/api/test-connection"],
    ["POST", "/admin/api/test-webhook"],
    ["GET", "/admin/api/activity"],
  ]
  const unauthenticated: Attack[] = routes.flatMap(([method, path]) =>
    credentials.map(([what, cookie]) => ({
      name: `${method} ${path} with ${what}`,
      method,
      path,
      headers: [...(cookie ? [["cookie", cookie] as [string, string]] : []), ...(method === "POST" ? [JSON_TYPE] : [])],
      body: method === "POST" ? JSON.stringify({ merchant_id: "11", api_key: t.merchantA.apiKey, webhook_secret: t.merchantA.webhookSecret }) : undefined,
      expect: [401],
    }))
  )
  const launch = (name: string, url: string): Attack => {
    const parsed = new URL(url)
    return { name, method: "GET", path: `${parsed.pathname}${parsed.search}`, headers: [], expect: [401] }
  }
  const launches = [
    launch("a launch with a forged HMAC", `${t.appUrl}/admin?shop=${t.shopA}&timestamp=${Math.floor(Date.now() / 1000)}&hmac=${"00".repeat(32)}`),
    launch("a launch signed with a wrong secret", launchUrl({ apiSecret: `${t.apiSecret}-wrong`, appUrl: t.appUrl }, t.shopA)),
    launch("a correctly signed launch 10 minutes old", launchUrl({ apiSecret: t.apiSecret, appUrl: t.appUrl }, t.shopA, Date.now() - 600_000)),
    launch("a correctly signed launch for a non-Shopify domain", launchUrl({ apiSecret: t.apiSecret, appUrl: t.appUrl }, "evil.example.com")),
  ]
  const cookie: [string, string] = ["cookie", t.cookieA]
  const settings = (name: string, body: string, headers: Array<[string, string]> = [cookie, JSON_TYPE], expect?: number[], path = "/admin/api/settings"): Attack => ({ name, method: "POST", path, headers, body, expect })
  const valid = { merchant_id: "11", api_key: t.merchantA.apiKey, webhook_secret: t.merchantA.webhookSecret }
  const withSession: Attack[] = [
    settings("settings as text/plain (a cross-site form)", JSON.stringify(valid), [cookie, ["content-type", "text/plain"]], [415]),
    settings("remove the credentials from a cross-site form", "x=1", [cookie, ["content-type", "application/x-www-form-urlencoded"]], [415], "/admin/api/settings/remove"),
    settings("remove the credentials with no content type", "", [cookie], [415], "/admin/api/settings/remove"),
    settings("send a test webhook as text/plain", "{}", [cookie, ["content-type", "text/plain"]], [415], "/admin/api/test-webhook"),
    settings("settings with malformed JSON", "{\"merchant_id\":", undefined, [400]),
    settings("settings as a JSON array", "[]", undefined, [400]),
    settings("settings with a non-numeric merchant id", JSON.stringify({ ...valid, merchant_id: "abc" }), undefined, [400]),
    settings("settings with a 13-digit merchant id", JSON.stringify({ ...valid, merchant_id: "1".repeat(13) }), undefined, [400]),
    settings("settings through __proto__", "{\"__proto__\":{\"merchant_id\":\"11\"}}", undefined, [400]),
    settings("settings with a 3-character API key", JSON.stringify({ ...valid, api_key: "abc" }), undefined, [400]),
    settings("settings whose previous webhook secret is the current one", JSON.stringify({ ...valid, previous_webhook_secret: valid.webhook_secret }), undefined, [400]),
    settings("settings with a wrong API key (the gateway refuses it)", JSON.stringify({ ...valid, api_key: "sk_sandbox_wrong_key_000" }), undefined, [422]),
    settings("settings with shop B's merchant id and shop A's key", JSON.stringify({ ...valid, merchant_id: "12" }), undefined, [422]),
    settings("settings body over the limit (2 MB)", JSON.stringify({ ...valid, pad: "x".repeat(2_000_000) }), undefined, [413]),
    { name: "an unknown API route", method: "GET", path: "/admin/api/users", headers: [cookie], expect: [404] },
    { name: "GET on a POST-only route", method: "GET", path: "/admin/api/settings/remove", headers: [cookie], expect: [405] },
    // The page's bundle is public; nothing else under /admin/assets is served.
    { name: "an asset that is not the page's bundle", method: "GET", path: "/admin/assets/index.html", headers: [], expect: [404] },
    { name: "an asset path climbing out of the bundle", method: "GET", path: "/admin/assets/..%2F..%2Fpackage.json", headers: [], expect: [404] },
    { name: "an asset named like an object's property", method: "GET", path: "/admin/assets/__proto__", headers: [], expect: [404] },
  ]
  return [...launches, ...unauthenticated, ...withSession]
}
