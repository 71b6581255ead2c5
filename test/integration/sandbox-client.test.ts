/**
 * The gateway core's own client against the sandbox: the two share schemas, money helpers and
 * the signer, and this proves they agree end to end over HTTP.
 */
import { createGatewayClient, type GatewayClient, GatewayNotFoundError, GatewayValidationError } from "../../src/gateway"
import { paymentSchema } from "../../src/gateway/contract"
import { verifyWebhook } from "../../src/gateway/webhook-signature"
import { MERCHANT, OTHER, payByControl, requestLog, useSandboxWithReceiver, waitFor } from "./sandbox-helpers"

describe("sandbox gateway with the gateway client", () => {
  const env = useSandboxWithReceiver({ rateLimit: { limit: 5, windowMs: 1_000 } })
  const clients: GatewayClient[] = []
  const client = (overrides: Partial<Parameters<typeof createGatewayClient>[0]> = {}) => {
    const made = createGatewayClient({ baseUrl: env.sandbox.url, merchantId: MERCHANT.id, apiKey: MERCHANT.apiKey, rateLimit: false, ...overrides })
    clients.push(made)
    return made
  }
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()))
  })

  it("opens, pays, finds by note, refunds once and balances, with a verifiable webhook", async () => {
    const gateway = client()
    const note = `client_${Date.now()}`
    const session = await gateway.createCheckoutSession({ amountCents: 1999, note, notifyUrl: env.receiver.url })
    const cs = new URL(session.checkout_url).searchParams.get("cs") ?? ""
    expect((await payByControl(env.sandbox, cs)).status).toBe(200)

    const hook = await waitFor(() => env.receiver.received[0], 3_000, "the webhook")
    const verified = verifyWebhook({ rawBody: hook.raw, headers: hook.headers, secrets: MERCHANT.webhookSecret })
    if (!verified.valid) throw new Error(verified.message)
    expect(verified.event).toMatchObject({ note, amount: 1999, merchant_id: MERCHANT.id })

    const found = []
    for await (const payment of gateway.iteratePayments({ status: "completed" })) if (payment.note === note) found.push(payment)
    expect(found.map((p) => p.id)).toEqual([verified.event.payment_record_id])
    const payment = await gateway.getPayment(verified.event.payment_record_id)
    expect(payment).toMatchObject({ status: "completed", amount_cents: 1999, total_amount_cents: 1999 })

    const refund = await gateway.refundPayment(payment.id, { amountCents: 999, reason: "partial" })
    expect(refund.status).toBe("completed")
    expect(await gateway.getBalance()).toEqual({ received_total: 1999, refunded_total: 999, available_ledger: 1000 })
    const refundCalls = (await requestLog(env.sandbox)).filter((entry) => entry.method === "POST" && entry.path.endsWith("/refund"))
    expect(refundCalls).toEqual([expect.objectContaining({ status: 201, idempotency_key: null })])
  })

  it("maps the sandbox's 404 and 422 to the client's typed errors", async () => {
    const theirs = client({ merchantId: OTHER.id, apiKey: OTHER.apiKey })
    const session = await theirs.createCheckoutSession({ amountCents: 500, note: `theirs_${Date.now()}`, notifyUrl: env.receiver.url })
    const cs = new URL(session.checkout_url).searchParams.get("cs") ?? ""
    const paid = await payByControl(env.sandbox, cs)
    const { id } = paymentSchema.parse(paid.json)
    await expect(client().getPayment(id)).rejects.toBeInstanceOf(GatewayNotFoundError)
    const small = await client().createCheckoutSession({ amountCents: 99, note: `small_${Date.now()}`, notifyUrl: env.receiver.url }).catch((e: unknown) => e)
    expect(small).toBeInstanceOf(GatewayValidationError)
    expect(small instanceof GatewayValidationError && small.fields).toEqual({ amount: ["The amount must be at least 1.00 USD."] })
  })

  it("waits out the sandbox's 429 with its retry_after_seconds", async () => {
    const gateway = client({ merchantId: OTHER.id, apiKey: OTHER.apiKey })
    const started = Date.now()
    const balances = await Promise.all(Array.from({ length: 7 }, () => gateway.getBalance()))
    expect(balances).toHaveLength(7)
    expect(gateway.stats.rateLimited).toBeGreaterThan(0)
    expect(Date.now() - started).toBeGreaterThanOrEqual(900)
  })
})
