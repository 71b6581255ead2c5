/**
 * The gateway client against the sandbox speaking each dialect: what a real gateway may do
 * where the page is silent. The sandbox builds its answers by hand (not through the client's
 * schemas), so these prove the client tolerant, not merely in agreement.
 */
import { createGatewayClient, type GatewayClient, refundOutcome, verifyWebhook } from "../../src/gateway"
import { call, MERCHANT, openCheckout, payByControl, requestLog, useSandboxWithReceiver, waitFor } from "./sandbox-helpers"

describe("the gateway client against the sandbox's dialects", () => {
  const env = useSandboxWithReceiver({ webhookRetry: { maxAttempts: 3, baseDelayMs: 1_100, factor: 1, maxDelayMs: 1_100, timeoutMs: 1_000 } }, (index) => (index === 0 ? 503 : 200))
  let gateway: GatewayClient
  beforeAll(() => {
    gateway = createGatewayClient({ baseUrl: env.sandbox.url, merchantId: MERCHANT.id, apiKey: MERCHANT.apiKey, rateLimit: false })
  })
  afterAll(() => gateway.close())

  const speak = async (dialects: Record<string, unknown>) => {
    const reply = await call(env.sandbox, "POST", "/__sandbox/dialects", { headers: {}, body: dialects })
    expect(reply.status).toBe(200)
  }
  const bulk = async (count: number) => {
    const body = { count, merchant_id: MERCHANT.id, created_from: "2026-03-24T10:00:00Z", created_to: "2026-03-24T11:00:00Z" }
    expect((await call(env.sandbox, "POST", "/__sandbox/payments/bulk", { headers: {}, body })).status).toBe(201)
  }
  const window = { from: "2026-03-24T09:00:00Z", to: "2026-03-24T12:00:00Z" }

  it("reads six-decimal amounts and string ids in records, pages, balance and the webhook", async () => {
    await speak({ six_decimal_amounts: true, string_ids: true })
    const { cs, id } = await openCheckout(env.sandbox, { amount: 10.5, notify_url: env.receiver.url })
    expect((await payByControl(env.sandbox, cs)).status).toBe(200)
    const raw = await call(env.sandbox, "GET", `/api/v1/merchant/payments/${id}`)
    expect(raw.json).toMatchObject({ id: String(id), amount: "10.500000", bybit_pay_id: expect.any(Number) })
    expect(await gateway.getPayment(id)).toMatchObject({ id, amount_cents: 1050, total_amount_cents: 1050, paid: true })
    expect(await gateway.getBalance()).toMatchObject({ received_total: 1050 })
    const hook = await waitFor(() => env.receiver.received.at(-1), 5_000, "the webhook")
    const verified = verifyWebhook({ rawBody: hook.raw, headers: hook.headers, secrets: MERCHANT.webhookSecret })
    if (!verified.valid) throw new Error(verified.message)
    expect(verified.event).toMatchObject({ payment_record_id: id, merchant_id: MERCHANT.id, amount: 1050, total_amount: 1050 })
  })

  it("keeps an unknown status, not paid and marked unknown", async () => {
    await speak({ unknown_status: "awaiting_confirmation" })
    const { id } = await openCheckout(env.sandbox, { notify_url: env.receiver.url })
    expect(await gateway.getPayment(id)).toMatchObject({ status: "awaiting_confirmation", status_known: false, paid: false })
  })

  it("reads every record once when the gateway ignores `page`, splitting the window by time", async () => {
    await bulk(45)
    await speak({ ignore_page: true })
    const ids: number[] = []
    for await (const payment of gateway.iteratePayments({ ...window, perPage: 10 })) ids.push(payment.id)
    expect(new Set(ids).size).toBe(45)
    expect(ids).toHaveLength(45)
    const lists = (await requestLog(env.sandbox)).filter((entry) => entry.path.endsWith("/payments"))
    expect(lists.length).toBeLessThan(30)
  })

  it("follows a per_page capped lower than asked", async () => {
    await bulk(120)
    await speak({ per_page_cap: 50 })
    const pages: number[] = []
    for await (const page of gateway.paymentPages({ ...window, perPage: 100 })) pages.push(page.data.length)
    expect(pages).toEqual([50, 50, 20])
  })

  it("re-sends a webhook retry with its original timestamp, which still verifies", async () => {
    await speak({ webhook_same_timestamp: true })
    const { cs } = await openCheckout(env.sandbox, { notify_url: env.receiver.url })
    await payByControl(env.sandbox, cs)
    const [first, second] = await waitFor(() => (env.receiver.received.length >= 2 ? env.receiver.received : undefined), 5_000, "the retry")
    expect(second.headers["x-gateway-timestamp"]).toBe(first.headers["x-gateway-timestamp"])
    expect(verifyWebhook({ rawBody: second.raw, headers: second.headers, secrets: MERCHANT.webhookSecret }).valid).toBe(true)
  })

  it("answers a refund pending and settles it later; the client never reads it as done", async () => {
    await speak({ refunds_pending_ms: 300 })
    const { cs, id } = await openCheckout(env.sandbox, { amount: 20, notify_url: env.receiver.url })
    await payByControl(env.sandbox, cs)
    const refund = await gateway.refundPayment(id, { amountCents: 500, reason: "later" })
    expect(refund.status).toBe("pending")
    expect(refundOutcome(refund.status)).toBe("pending")
    expect(await gateway.getPayment(id)).toMatchObject({ status: "completed", refunded_amount_cents: 0 })
    const settled = await waitFor(async () => {
      const payment = await gateway.getPayment(id)
      return payment.refunded_amount_cents > 0 ? payment : undefined
    }, 3_000, "the refund to settle")
    expect(settled).toMatchObject({ status: "partially_refunded", refunded_amount_cents: 500 })
  })

  it("refuses an unknown dialect and forgets them all on reset", async () => {
    expect((await call(env.sandbox, "POST", "/__sandbox/dialects", { headers: {}, body: { lisp: true } })).status).toBe(422)
    await speak({ string_ids: true })
    await call(env.sandbox, "POST", "/__sandbox/reset", { headers: {} })
    expect((await call(env.sandbox, "GET", "/__sandbox/dialects", { headers: {} })).json).toEqual({})
  })
})
