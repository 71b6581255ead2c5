/**
 * The payment path end to end: install through OAuth (expiring offline token, refreshed before
 * use), a paid checkout resolved exactly once, idempotency on Shopify's id (repeats and 10
 * concurrent requests → one gateway checkout), replayed webhooks, underpaid / expired / non-USD
 * rejected, bad signatures refused, shops not installed or not connected refused.
 */
import { z } from "zod"
import { checkoutIdempotencyKey, signWebhook } from "../../../src/gateway"
import { connectGateway, disconnectGateway } from "../../../src/shopify/gateway-connection"
import { gatewayWebhookUrl, referenceOf } from "../../../src/shopify/routes/payment-sessions"
import {
  applied,
  type Bench,
  control,
  gatewayPayments,
  installShop,
  MERCHANTS,
  pay,
  requestPayment,
  settled,
  SHOP_A,
  SHOP_B,
  standinPayment,
  startBench,
} from "./harness"

// Each case crosses the app, the stand-in, the sandbox, PostgreSQL and Redis: 5 s is short on a busy 2-core machine.
jest.setTimeout(30_000)

let bench: Bench

const shopsView = z.object({ data: z.array(z.object({ shop: z.string(), configuration: z.unknown() })) })
async function configurationOf(shop: string) {
  return shopsView.parse(await control(bench, "GET", "/__standin/shops")).data.find((s) => s.shop === shop)?.configuration
}

beforeAll(async () => {
  bench = await startBench({ name: "payments", tokenTtlSeconds: 120, checkoutTtlMs: 3_000 })
  await installShop(bench, SHOP_A)
}, 30_000)

afterAll(async () => {
  await bench?.stop()
}, 30_000)

describe("install", () => {
  it("stores an expiring offline session in PostgreSQL and refreshes it before use", async () => {
    const { ctx } = bench.app
    const stored = await ctx.sessions.loadSession(`offline_${SHOP_A}`)
    expect(stored?.accessToken).toMatch(/^shpat_/)
    expect(stored?.refreshToken).toMatch(/^shprt_/)
    // Connecting the gateway told Shopify the payment method is ready (paymentsAppConfigure).
    expect(await configurationOf(SHOP_A)).toEqual({ externalHandle: "usdt-merchant-11", ready: true })
    expect(stored?.expires?.getTime()).toBeGreaterThan(Date.now())
    // 120 s left is inside the 5-minute margin: the next use refreshes (and rotates) the token.
    const token = await ctx.tokens.accessToken(SHOP_A)
    expect(token).not.toBe(stored?.accessToken)
    const after = await ctx.sessions.loadSession(`offline_${SHOP_A}`)
    expect(after?.accessToken).toBe(token)
    expect(after?.refreshToken).not.toBe(stored?.refreshToken)
    expect((await ctx.shops.get(SHOP_A))?.installed).toBe(true)
  })

  it("stores the gateway credentials encrypted", async () => {
    const { rows } = await bench.app.ctx.pool.query<{ api_key_enc: string; webhook_secret_enc: string }>(
      "SELECT api_key_enc, webhook_secret_enc FROM shopify_usdt.shops WHERE shop = $1",
      [SHOP_A]
    )
    expect(rows[0].api_key_enc).toMatch(/^v1:/)
    expect(JSON.stringify(rows)).not.toContain(MERCHANTS[SHOP_A].apiKey)
    expect(JSON.stringify(rows)).not.toContain(MERCHANTS[SHOP_A].webhookSecret)
  })
})

describe("payment session requests", () => {
  it("paid → resolved exactly once, and the returning shopper is sent on to Shopify's nextAction", async () => {
    const answer = await requestPayment(bench, { amount: "12.34", id: "pay-paid" })
    expect(answer.status_code).toBe(201)
    expect(answer.redirect_url).toContain(`${bench.sandbox.url}/`)
    await pay(bench, answer.redirect_url ?? "")
    const view = await settled(bench, "pay-paid")
    expect(view.state).toBe("resolved")
    expect(view.mutations.map((m) => `${m.name}:${m.outcome}`)).toEqual(["paymentSessionResolve:applied"])
    const session = await bench.app.ctx.payments.byShopifyId(SHOP_A, "pay-paid")
    expect(session).toMatchObject({ status: "resolved", amountCents: 1234, paidCents: 1234 })
    const back = await fetch(session?.nextActionUrl ? `${bench.env.SHOPIFY_APP_URL}/shopify/return/${SHOP_A}/${session.reference}` : "", { redirect: "manual" })
    expect(back.status).toBe(302)
    expect(back.headers.get("location")).toBe(`${bench.standin.url}/checkouts/pay-paid/thank-you`)
  })

  it("the same id, retried and sent 10× concurrently, opens one gateway checkout with one redirect_url", async () => {
    const answers = await Promise.all(Array.from({ length: 10 }, () => requestPayment(bench, { amount: "20.00", id: "pay-dup" })))
    const again = await requestPayment(bench, { amount: "20.00", id: "pay-dup" })
    const urls = new Set([...answers, again].map((a) => a.redirect_url))
    expect(urls.size).toBe(1)
    expect([...answers, again].every((a) => a.status_code === 200 || a.status_code === 201)).toBe(true)
    expect(answers.filter((a) => a.status_code === 201)).toHaveLength(1)
    const session = await bench.app.ctx.payments.byShopifyId(SHOP_A, "pay-dup")
    expect((await gatewayPayments(bench)).filter((p) => p.note === session?.reference)).toHaveLength(1)
  })

  it("a crash after the row is committed but before the checkout is stored: a retry of the same id reopens that one checkout", async () => {
    const id = "pay-crash"
    const reference = referenceOf(SHOP_A, id)
    const gateway = await bench.app.ctx.gateways.forShop(SHOP_A)
    let opened = ""
    // The gateway opens the checkout, then the process dies before storing it: the row stays, with no redirect_url.
    const crashed = bench.app.ctx.payments.claim(
      { shop: SHOP_A, shopifyId: id, gid: `gid://shopify/PaymentSession/${id}`, reference, amountCents: 1_500, currency: "USD", kind: "sale", test: true, cancelUrl: null },
      async (session) => {
        const checkout = await gateway!.client.createCheckoutSession({
          amountCents: session.amountCents,
          note: session.reference,
          notifyUrl: gatewayWebhookUrl(bench.env.SHOPIFY_APP_URL, SHOP_A),
          idempotencyKey: checkoutIdempotencyKey(session.reference, session.amountCents),
        })
        opened = checkout.checkout_url
        throw new Error("crashed before the answer was stored")
      }
    )
    await expect(crashed).rejects.toThrow("crashed")
    expect((await bench.app.ctx.payments.byShopifyId(SHOP_A, id))?.redirectUrl).toBeNull()

    const retry = await requestPayment(bench, { amount: "15.00", id })
    expect(retry.status_code).toBe(201)
    expect(retry.redirect_url).toBe(opened)
    expect((await bench.app.ctx.payments.byShopifyId(SHOP_A, id))?.redirectUrl).toBe(opened)
    expect((await gatewayPayments(bench)).filter((p) => p.note === reference)).toHaveLength(1)
  })

  it("a replayed webhook still resolves once, and costs no second gateway lookup", async () => {
    const answer = await requestPayment(bench, { amount: "5.00", id: "pay-replay" })
    await pay(bench, answer.redirect_url ?? "")
    await settled(bench, "pay-replay")
    const session = await bench.app.ctx.payments.byShopifyId(SHOP_A, "pay-replay")
    const record = (await gatewayPayments(bench)).find((p) => p.note === session?.reference)
    const body = JSON.stringify({ event: "payment.completed", status: "completed", merchant_id: MERCHANTS[SHOP_A].id, amount: "5.00", total_amount: "5.00", currency: "USD", note: session?.reference, payment_record_id: record?.id })
    for (let i = 0; i < 3; i++) {
      const signed = signWebhook({ secrets: MERCHANTS[SHOP_A].webhookSecret, body })
      const replay = await fetch(`${bench.env.SHOPIFY_APP_URL}/webhooks/gateway/${SHOP_A}`, { method: "POST", headers: { "content-type": "application/json", ...signed.headers }, body: signed.body })
      expect(replay.status).toBe(200)
    }
    await new Promise((resolve) => setTimeout(resolve, 300))
    const view = await standinPayment(bench, "pay-replay")
    expect(view.state).toBe("resolved")
    expect(view.mutations).toHaveLength(1)
    const requests = z.array(z.looseObject({ method: z.string(), path: z.string() })).parse(await control(bench, "GET", "/__sandbox/requests"))
    expect(requests.filter((r) => r.method === "GET" && r.path === `/api/v1/merchant/payments/${record?.id}`)).toHaveLength(1)
  })

  it("a webhook with a bad signature gets 401 and changes nothing", async () => {
    const body = JSON.stringify({ event: "payment.completed", merchant_id: MERCHANTS[SHOP_A].id, amount: "1.00", currency: "USD", note: "x", payment_record_id: 1 })
    const signed = signWebhook({ secrets: "not-the-secret", body })
    const reply = await fetch(`${bench.env.SHOPIFY_APP_URL}/webhooks/gateway/${SHOP_A}`, { method: "POST", headers: { "content-type": "application/json", ...signed.headers }, body: signed.body })
    expect(reply.status).toBe(401)
  })

  it("underpaid → rejected with the amounts for the merchant", async () => {
    const answer = await requestPayment(bench, { amount: "30.00", id: "pay-under" })
    await pay(bench, answer.redirect_url ?? "", "29.99")
    const view = await settled(bench, "pay-under")
    expect(view).toMatchObject({ state: "rejected", reason: "PROCESSING_ERROR" })
    expect(applied(view.mutations)).toBe(1)
    expect((await bench.app.ctx.payments.byShopifyId(SHOP_A, "pay-under"))?.rejectReason).toBe("underpaid")
  })

  it("expired unpaid → rejected after the checkout's expiry", async () => {
    const answer = await requestPayment(bench, { amount: "7.00", id: "pay-expired" })
    expect(answer.status_code).toBe(201)
    const view = await settled(bench, "pay-expired", 10_000)
    expect(view.state).toBe("rejected")
    expect((await bench.app.ctx.payments.byShopifyId(SHOP_A, "pay-expired"))?.rejectReason).toBe("expired")
  })

  it("non-USD → rejected through paymentSessionReject, no gateway checkout", async () => {
    const before = (await gatewayPayments(bench)).length
    const answer = await requestPayment(bench, { amount: "10.00", currency: "EUR", id: "pay-eur" })
    expect(answer.status_code).toBe(201)
    expect(answer.redirect_url).toContain(`/shopify/return/${SHOP_A}/`)
    const view = await settled(bench, "pay-eur")
    expect(view.state).toBe("rejected")
    expect((await gatewayPayments(bench)).length).toBe(before)
  })

  it("refuses bad bodies, shops that have not installed, and shops with no gateway credentials", async () => {
    const bad = await fetch(`${bench.env.SHOPIFY_APP_URL}/shopify/payment-sessions`, {
      method: "POST",
      headers: { "content-type": "application/json", "shopify-shop-domain": SHOP_A },
      body: JSON.stringify({ id: "x", gid: "gid://shopify/PaymentSession/x", amount: 12.34, currency: "USD" }),
    })
    expect(bad.status).toBe(400)
    expect(await bad.text()).toContain("amount")
    const notInstalled = await requestPayment(bench, { amount: "10.00", shop: SHOP_B, id: "pay-b-1" })
    expect(notInstalled.status_code).toBe(403)
    await installShop(bench, SHOP_B, false)
    const noCredentials = await requestPayment(bench, { amount: "10.00", shop: SHOP_B, id: "pay-b-2" })
    expect(noCredentials.status_code).toBe(409)
    expect(await configurationOf(SHOP_B)).toBeNull()
  })

  it("connecting and disconnecting the gateway tells Shopify ready: true, then ready: false", async () => {
    const { ctx } = bench.app
    const merchant = MERCHANTS[SHOP_B]
    expect(await connectGateway(ctx, SHOP_B, { merchantId: String(merchant.id), apiKey: merchant.apiKey, webhookSecret: merchant.webhookSecret })).toEqual({ ok: true })
    expect(await configurationOf(SHOP_B)).toEqual({ externalHandle: "usdt-merchant-12", ready: true })
    expect((await requestPayment(bench, { amount: "10.00", shop: SHOP_B, id: "pay-b-3" })).status_code).toBe(201)
    expect(await disconnectGateway(ctx, SHOP_B)).toEqual({ ok: true })
    expect(await configurationOf(SHOP_B)).toEqual({ externalHandle: null, ready: false })
    expect((await ctx.shops.get(SHOP_B))?.credentials).toBeNull()
    expect((await requestPayment(bench, { amount: "10.00", shop: SHOP_B, id: "pay-b-4" })).status_code).toBe(409)
  })
})
