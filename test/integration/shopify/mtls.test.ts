/**
 * Mutual TLS on Shopify's session requests (SHOPIFY_MTLS_CA): the app serves HTTPS with its own
 * certificate and refuses a payment or refund session request that brings no client certificate,
 * or one from another CA; the stand-in presents a certificate from the trusted CA and gets through.
 * The test makes its own CAs with openssl.
 */
import { Agent, fetch as undiciFetch } from "undici"
import { certificates, shopifyMtls } from "./certs"
import { type Bench, installShop, requestPayment, SHOP_A, startBench } from "./harness"

// Each case crosses the app, the stand-in, the sandbox, PostgreSQL and Redis: 5 s is short on a busy 2-core machine.
jest.setTimeout(30_000)

const certs = certificates("shopify-mtls-")
const { pem } = certs
let bench: Bench

beforeAll(async () => {
  bench = await startBench({ name: "mtls", tls: shopifyMtls(certs) })
  await installShop(bench, SHOP_A)
}, 30_000)

afterAll(async () => {
  await bench?.stop()
  certs.remove()
}, 30_000)

async function direct(path: string, body: unknown, client?: string) {
  const dispatcher = new Agent({ connect: { ca: pem("server-ca.crt"), ...(client && { cert: pem(`${client}.crt`), key: pem(`${client}.key`) }) } })
  try {
    const response = await undiciFetch(`${bench.appUrl}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", "shopify-shop-domain": SHOP_A },
      body: JSON.stringify(body),
      dispatcher,
    })
    return { status: response.status, text: await response.text() }
  } finally {
    await dispatcher.close()
  }
}

const paymentBody = { id: "mtls-direct", gid: "gid://shopify/PaymentSession/mtls-direct", amount: "10.00", currency: "USD", payment_method: { type: "offsite", data: { cancel_url: "https://shop.example/cancel" } } }

it("serves HTTPS; routes other than the session requests need no client certificate", async () => {
  expect(bench.appUrl).toMatch(/^https:\/\//)
  const dispatcher = new Agent({ connect: { ca: pem("server-ca.crt") } })
  try {
    const begin = await undiciFetch(`${bench.appUrl}/shopify/auth?shop=${SHOP_A}`, { redirect: "manual", headers: { "user-agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0" }, dispatcher })
    expect(begin.status).toBe(302)
    const webhook = await undiciFetch(`${bench.appUrl}/webhooks/shopify`, { method: "POST", body: "{}", dispatcher })
    expect(webhook.status).toBe(401)
    expect(await webhook.text()).toContain("HMAC")
  } finally {
    await dispatcher.close()
  }
})

it("a payment session request with Shopify's client certificate gets its redirect_url", async () => {
  const answer = await requestPayment(bench, { amount: "10.00", id: "mtls-ok" })
  expect(answer.status_code).toBe(201)
  expect(answer.redirect_url).toContain(bench.sandbox.url)
})

it.each([
  ["no client certificate", undefined, "is missing"],
  ["a certificate from another CA", "rogue-client", "is not from the trusted CA"],
])("%s → 401 on payment and refund session requests, no checkout opened", async (_label, client, message) => {
  const payment = await direct("/shopify/payment-sessions", paymentBody, client)
  expect(payment.status).toBe(401)
  expect(payment.text).toContain(message)
  const refund = await direct("/shopify/refund-sessions", { id: "r1", gid: "gid://shopify/RefundSession/r1", payment_id: "mtls-ok", amount: "1.00", currency: "USD" }, client)
  expect(refund.status).toBe(401)
  expect(await bench.app.ctx.payments.byShopifyId(SHOP_A, "mtls-direct")).toBeNull()
})

it("the same request with the trusted client certificate is accepted", async () => {
  const payment = await direct("/shopify/payment-sessions", paymentBody, "shopify-client")
  expect(payment.status).toBe(201)
})
