/**
 * The Shopify app's pure edges: start-up configuration (one line naming the bad variable, never
 * its value), Shopify's session bodies (decimal-string amounts, both cancel_url places), the
 * gateway-record verdict, and the routing of Shopify calls to SHOPIFY_API_ORIGIN.
 */
import { createServer } from "node:http"
import type { AddressInfo } from "node:net"
import type { Payment } from "../../src/gateway"
import { loadConfig, ShopifyConfigError } from "../../src/shopify/config"
import { judgePayment } from "../../src/shopify/decision"
import { paymentSessionRequest } from "../../src/shopify/schemas"
import { routedFetch } from "../../src/shopify/shopify-api"

const ENV = {
  SHOPIFY_API_KEY: "key",
  SHOPIFY_API_SECRET: "secret-value-never-shown",
  SHOPIFY_APP_URL: "https://usdt.example.com/",
  DATABASE_URL: "postgres://postgres@127.0.0.1:5432/app",
  REDIS_URL: "redis://127.0.0.1:6379",
  USDT_ENCRYPTION_KEY: "a".repeat(64),
}

describe("configuration", () => {
  it("fills in the defaults", () => {
    const config = loadConfig(ENV)
    expect(config).toMatchObject({ appUrl: "https://usdt.example.com", apiVersion: "2026-07", port: 8081, gatewayUrl: "https://gatenoc.com" })
    expect(config.scopes).toEqual(["write_payment_gateways", "write_payment_sessions"])
  })

  it.each([
    ["SHOPIFY_API_KEY", undefined, /^SHOPIFY_API_KEY is not set/],
    ["SHOPIFY_APP_URL", "not a url", /^SHOPIFY_APP_URL must be an http\(s\) URL/],
    ["DATABASE_URL", "mysql://x", /^DATABASE_URL must be a postgres:\/\/ URL/],
    ["REDIS_URL", undefined, /^REDIS_URL is not set/],
    ["USDT_ENCRYPTION_KEY", "short", /^USDT_ENCRYPTION_KEY must be 32 bytes/],
    ["SHOPIFY_API_VERSION", "2019-01", /^SHOPIFY_API_VERSION must be one of/],
    ["PORT", "eighty", /^PORT must be a whole number/],
    ["SHOPIFY_MTLS_CA", "/etc/ssl/certs/ca.pem", /^SHOPIFY_TLS_CERT and SHOPIFY_TLS_KEY are required with SHOPIFY_MTLS_CA/],
    ["SHOPIFY_TLS_CERT", "/nonexistent/cert.pem", /^SHOPIFY_TLS_KEY is not set/],
    // Session requests carry no HMAC: production without mTLS (or a named proxy) does not start.
    ["NODE_ENV", "production", /^SHOPIFY_MTLS_CA is not set: Shopify's payment and refund session requests carry no HMAC/],
    ["SHOPIFY_SESSION_AUTH", "mtls", /^SHOPIFY_MTLS_CA is not set/],
    ["SHOPIFY_SESSION_AUTH", "sometimes", /^SHOPIFY_SESSION_AUTH must be mtls, proxy or none/],
  ])("%s=%s stops start-up with one line naming it", (name, value, message) => {
    const env: Record<string, string | undefined> = { ...ENV, [name]: value }
    let error: unknown
    try {
      loadConfig(env)
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(ShopifyConfigError)
    const text = error instanceof Error ? error.message : ""
    expect(text).toMatch(message)
    expect(text).not.toContain("\n")
    expect(text).not.toContain(ENV.SHOPIFY_API_SECRET)
  })
})

describe("who authenticates Shopify's session requests", () => {
  it("nobody only outside production, and then the default without a CA", () => {
    expect(loadConfig(ENV).sessionAuth).toBe("none")
    expect(() => loadConfig({ ...ENV, NODE_ENV: "production", SHOPIFY_SESSION_AUTH: "none" })).toThrow(/^SHOPIFY_SESSION_AUTH=none is refused with NODE_ENV=production/)
  })

  it("a TLS-terminating proxy when the operator names it", () => {
    expect(loadConfig({ ...ENV, NODE_ENV: "production", SHOPIFY_SESSION_AUTH: "proxy" }).sessionAuth).toBe("proxy")
  })
})

describe("payment session bodies", () => {
  const body = { id: "s1", gid: "gid://shopify/PaymentSession/s1", amount: "12.34", currency: "USD" }

  it("reads cancel_url from payment_method.data, or from the top level of older templates", () => {
    expect(paymentSessionRequest.parse({ ...body, payment_method: { type: "offsite", data: { cancel_url: "https://shop.example/cancel" } } }).cancelUrl).toBe("https://shop.example/cancel")
    expect(paymentSessionRequest.parse({ ...body, cancel_url: "https://shop.example/old" }).cancelUrl).toBe("https://shop.example/old")
  })

  it.each([12.34, "12,34", "-1.00", "1e3", ""])("refuses amount %p (a decimal string only, never a float)", (amount) => {
    expect(paymentSessionRequest.safeParse({ ...body, amount }).success).toBe(false)
  })
})

describe("the verdict on a gateway record", () => {
  const record = (over: Partial<Payment>): Payment => ({
    id: 7,
    status: "completed",
    amount: 1000,
    total_amount: 1000,
    currency: "USD",
    note: "shp_ref",
    amount_cents: 1000,
    total_amount_cents: 1000,
    refunded_amount_cents: 0,
    status_known: true,
    paid: (over.status ?? "completed") !== "pending" && (over.status ?? "completed") !== "expired",
    created_at: null,
    paid_at: null,
    bybit_pay_id: null,
    merchant_trade_no: null,
    ...over,
  })
  const session = { reference: "shp_ref", amountCents: 1000 }

  it.each([
    [{}, { kind: "resolve", paidCents: 1000 }],
    [{ total_amount_cents: 999 }, { kind: "reject", reason: "underpaid", paidCents: 999 }],
    [{ total_amount_cents: 1200 }, { kind: "resolve", paidCents: 1200 }],
    [{ status: "expired" as const, total_amount_cents: 0 }, { kind: "reject", reason: "expired", paidCents: 0 }],
    [{ status: "pending" as const }, { kind: "wait" }],
    [{ note: "another" }, { kind: "foreign" }],
    [{ currency: "EUR" }, { kind: "reject", reason: "currency" }],
  ])("%p → %p", (over, verdict) => {
    expect(judgePayment(session, record(over))).toMatchObject(verdict)
  })
})

describe("SHOPIFY_API_ORIGIN", () => {
  it("sends https://{shop}.myshopify.com calls to the origin, with the shop in X-Forwarded-Host", async () => {
    const seen: { url?: string; host?: string } = {}
    const server = createServer((request, response) => {
      seen.url = request.url
      seen.host = String(request.headers["x-forwarded-host"])
      response.end("{}")
    })
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
    const { port } = server.address() as AddressInfo
    try {
      const response = await routedFetch(`http://127.0.0.1:${port}`)("https://shop-one.myshopify.com/admin/oauth/access_token?x=1", { method: "POST", body: "{}" })
      expect(response.status).toBe(200)
      expect(seen).toEqual({ url: "/admin/oauth/access_token?x=1", host: "shop-one.myshopify.com" })
    } finally {
      server.close()
    }
  })
})
