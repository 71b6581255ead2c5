/**
 * The gateway client against the sandbox gateway over real HTTP: every endpoint, every error
 * code, idempotency, pacing under the rate limit, 429 waits and the retry policy.
 */
import { createServer, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import {
  createGatewayClient,
  type GatewayClient,
  GatewayAuthError,
  GatewayContractError,
  GatewayNetworkError,
  GatewayNotFoundError,
  GatewayRateLimitError,
  GatewayServerError,
  GatewayTimeoutError,
  GatewayValidationError,
} from "../../src/gateway"
import { type RunningSandbox, startSandbox } from "../../src/sandbox"
import { control, csOf, requestLog } from "./gateway-helpers"

const A = { id: 7001, apiKey: "sk_test_merchant_a_0123456789", webhookSecret: "whsec_a_0123456789" }
const B = { id: 7002, apiKey: "sk_test_merchant_b_9876543210", webhookSecret: "whsec_b_9876543210" }
const notifyUrl = "http://127.0.0.1:9/hooks/usdt" // nothing listens: deliveries fail quietly

let sandbox: RunningSandbox
const clients: GatewayClient[] = []
function client(overrides: Partial<Parameters<typeof createGatewayClient>[0]> = {}): GatewayClient {
  const made = createGatewayClient({
    baseUrl: sandbox.url,
    merchantId: A.id,
    apiKey: A.apiKey,
    rateLimit: false,
    retryBaseDelayMs: 5,
    retryMaxDelayMs: 20,
    ...overrides,
  })
  clients.push(made)
  return made
}

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, merchants: [A, B], quiet: true, rateLimit: false, webhookRetry: { maxAttempts: 1 } })
})
afterEach(async () => {
  await control(sandbox.url, "POST", "/faults", {})
})
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()))
  await sandbox.stop()
})

describe("every endpoint", () => {
  it("opens a checkout, reads it, pays it, lists it, refunds it and balances", async () => {
    const gateway = client()
    const note = `order_${Date.now()}`
    const session = await gateway.createCheckoutSession({ amountCents: 1050, note, notifyUrl, successUrl: "http://127.0.0.1:9/thanks" })
    expect(session.checkout_url).toContain("cs=")
    expect(session.invoice_url).toBe(session.checkout_url)
    expect(Date.parse(session.expires_at)).toBeGreaterThan(Date.now())

    const paid = await control<{ id: number; status: string }>(sandbox.url, "POST", `/checkouts/${csOf(session.checkout_url)}/pay`)
    const payment = await gateway.getPayment(paid.id)
    expect(payment).toMatchObject({ id: paid.id, status: "completed", note, currency: "USD", amount_cents: 1050, total_amount_cents: 1050 })

    const found = []
    for await (const p of gateway.iteratePayments({ status: "completed", from: new Date(Date.now() - 60_000), to: new Date(Date.now() + 60_000) })) {
      if (p.note === note) found.push(p)
    }
    expect(found.map((p) => p.id)).toEqual([paid.id])

    const before = await gateway.getBalance()
    const refund = await gateway.refundPayment(paid.id, { amountCents: 250, reason: "damaged" })
    expect(refund.refund_id).toBeTruthy()
    expect(refund.status).toBeTruthy()
    const after = await gateway.getBalance()
    expect(after.refunded_total - before.refunded_total).toBe(250)
    expect(after.available_ledger).toBe(after.received_total - after.refunded_total)
    expect(await gateway.getPayment(paid.id)).toMatchObject({ status: "partially_refunded", refunded_amount_cents: 250 })
  })

  it("replays a checkout for the same key and opens a new one when the amount changes", async () => {
    const gateway = client()
    const note = `idem_${Date.now()}`
    const first = await gateway.createCheckoutSession({ amountCents: 2000, note, notifyUrl })
    const again = await gateway.createCheckoutSession({ amountCents: 2000, note, notifyUrl })
    const changed = await gateway.createCheckoutSession({ amountCents: 2500, note, notifyUrl })
    expect(again.checkout_url).toBe(first.checkout_url)
    expect(changed.checkout_url).not.toBe(first.checkout_url)
  })

  it("pages through a date range at the page size asked", async () => {
    const gateway = client()
    const from = new Date()
    const notes = Array.from({ length: 7 }, (_, i) => `page_${Date.now()}_${i}`)
    for (const note of notes) await gateway.createCheckoutSession({ amountCents: 100 + notes.indexOf(note), note, notifyUrl })
    const page1 = await gateway.listPayments({ from, perPage: 3, page: 1 })
    expect(page1.data).toHaveLength(3)
    expect(page1.total).toBe(7)
    const pages = []
    for await (const page of gateway.paymentPages({ from, perPage: 3 })) pages.push(page.data.map((p) => p.note))
    expect(pages.map((p) => p.length)).toEqual([3, 3, 1])
    expect(pages.flat()).toEqual(notes)
  })
})

describe("every error code", () => {
  it("401: wrong key, another merchant's id with this key, inactive merchant — never echoing the key", async () => {
    const wrongKey = client({ apiKey: "sk_wrong_key_000000" })
    await expect(wrongKey.getBalance()).rejects.toBeInstanceOf(GatewayAuthError)
    const mismatch = client({ merchantId: B.id })
    const error = await mismatch.getBalance().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(GatewayAuthError)
    expect(String((error as Error).message)).not.toContain(A.apiKey)
    expect(JSON.stringify(error)).not.toContain(A.apiKey)
    await control(sandbox.url, "PATCH", `/merchants/${B.id}`, { active: false })
    try {
      await expect(client({ merchantId: B.id, apiKey: B.apiKey }).getBalance()).rejects.toBeInstanceOf(GatewayAuthError)
    } finally {
      await control(sandbox.url, "PATCH", `/merchants/${B.id}`, { active: true })
    }
  })

  it("404: another merchant's payment and an unknown one", async () => {
    const session = await client().createCheckoutSession({ amountCents: 300, note: `mine_${Date.now()}`, notifyUrl })
    const paid = await control<{ id: number }>(sandbox.url, "POST", `/checkouts/${csOf(session.checkout_url)}/pay`)
    const other = client({ merchantId: B.id, apiKey: B.apiKey })
    await expect(other.getPayment(paid.id)).rejects.toBeInstanceOf(GatewayNotFoundError)
    await expect(client().getPayment(99_999_999)).rejects.toBeInstanceOf(GatewayNotFoundError)
  })

  it("422: below the minimum amount, and a refund past what was paid, with the gateway's message", async () => {
    const gateway = client()
    const small = await gateway.createCheckoutSession({ amountCents: 50, note: `small_${Date.now()}`, notifyUrl }).catch((e: unknown) => e)
    expect(small).toBeInstanceOf(GatewayValidationError)
    expect((small as GatewayValidationError).message).toMatch(/amount/i)
    expect(Object.keys((small as GatewayValidationError).fields)).toContain("amount")

    const session = await gateway.createCheckoutSession({ amountCents: 500, note: `over_${Date.now()}`, notifyUrl })
    const paid = await control<{ id: number }>(sandbox.url, "POST", `/checkouts/${csOf(session.checkout_url)}/pay`)
    await gateway.refundPayment(paid.id, { amountCents: 400 })
    await expect(gateway.refundPayment(paid.id, { amountCents: 101 })).rejects.toBeInstanceOf(GatewayValidationError)
    await gateway.refundPayment(paid.id, { amountCents: 100 })
    expect(await gateway.getPayment(paid.id)).toMatchObject({ status: "refunded", refunded_amount_cents: 500 })
  })

  it("429: gives up after its 429 budget with the gateway's wait", async () => {
    await control(sandbox.url, "POST", "/faults", { api_429_rate: 1 })
    const error = await client({ maxRateLimitRetries: 0 }).getBalance().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(GatewayRateLimitError)
    expect((error as GatewayRateLimitError).retryAfterMs).toBe(1000)
  })

  it("5xx: a GET is retried with backoff, then fails typed", async () => {
    await control(sandbox.url, "POST", "/faults", { api_error_rate: 1 })
    const before = (await requestLog(sandbox.url)).length
    const gateway = client({ maxRetries: 2 })
    await expect(gateway.getBalance()).rejects.toBeInstanceOf(GatewayServerError)
    const calls = (await requestLog(sandbox.url)).slice(before).filter((r) => r.path.includes("/balance"))
    expect(calls).toHaveLength(3)
    expect(gateway.stats.retries).toBe(2)
  })

  it("timeouts and unreachable gateways are typed errors", async () => {
    // undici's timers tick about every half second: a 200 ms timeout fires within ~1.5 s.
    await control(sandbox.url, "POST", "/faults", { latency_ms: 3000 })
    await expect(client({ requestTimeoutMs: 200, maxRetries: 0 }).getBalance()).rejects.toBeInstanceOf(GatewayTimeoutError)
    await control(sandbox.url, "POST", "/faults", {})
    const down = createGatewayClient({ baseUrl: "http://127.0.0.1:1", merchantId: 1, apiKey: "sk_x_down", rateLimit: false, maxRetries: 1, retryBaseDelayMs: 1 })
    clients.push(down)
    const error = await down.getBalance().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(GatewayNetworkError)
    expect((error as Error).message).toMatch(/ECONNREFUSED/)
  })
})

describe("retry policy", () => {
  it("never repeats a POST without an Idempotency-Key; repeats one that has it", async () => {
    const gateway = client({ maxRetries: 3 })
    const session = await gateway.createCheckoutSession({ amountCents: 700, note: `retry_${Date.now()}`, notifyUrl })
    const paid = await control<{ id: number }>(sandbox.url, "POST", `/checkouts/${csOf(session.checkout_url)}/pay`)
    await control(sandbox.url, "POST", "/faults", { api_error_rate: 1 })
    const before = (await requestLog(sandbox.url)).length
    await expect(gateway.refundPayment(paid.id, { amountCents: 100 })).rejects.toBeInstanceOf(GatewayServerError)
    await expect(gateway.createCheckoutSession({ amountCents: 800, note: `retry2_${Date.now()}`, notifyUrl })).rejects.toBeInstanceOf(GatewayServerError)
    const log = (await requestLog(sandbox.url)).slice(before)
    expect(log.filter((r) => r.method === "POST" && r.path.endsWith("/refund"))).toHaveLength(1)
    const checkouts = log.filter((r) => r.path.endsWith("/checkout-session"))
    expect(checkouts).toHaveLength(4)
    expect(new Set(checkouts.map((r) => r.idempotency_key)).size).toBe(1)
  })
})

describe("a gateway that breaks the contract", () => {
  let broken: Server
  let url: string
  beforeAll(async () => {
    broken = createServer((req, res) => {
      res.setHeader("content-type", "application/json")
      if (req.url?.includes("/balance")) res.end(JSON.stringify({ received_total: "lots", refunded_total: "0", available_ledger: "0" }))
      else if (req.url?.includes("/payments/")) res.end("<html>oops</html>")
      else res.end(JSON.stringify({ checkout_url: "not a url", expires_at: "2026-01-01T00:00:00Z" }))
    })
    await new Promise<void>((resolve) => broken.listen(0, "127.0.0.1", resolve))
    url = `http://127.0.0.1:${(broken.address() as AddressInfo).port}`
  })
  afterAll(() => new Promise<void>((resolve) => broken.close(() => resolve())))

  it("answers a typed error naming the field", async () => {
    const gateway = createGatewayClient({ baseUrl: url, merchantId: 1, apiKey: "sk_contract", rateLimit: false })
    clients.push(gateway)
    const balance = await gateway.getBalance().catch((e: unknown) => e)
    expect(balance).toBeInstanceOf(GatewayContractError)
    expect((balance as GatewayContractError).path).toBe("received_total")
    expect((balance as GatewayContractError).message).toMatch(/^The gateway answered in an unexpected format: field received_total/)
    expect((balance as GatewayContractError).retryable).toBe(false)
    const checkout = await gateway.createCheckoutSession({ amountCents: 100, note: "x", notifyUrl }).catch((e: unknown) => e)
    expect((checkout as GatewayContractError).path).toBe("checkout_url")
    const payment = await gateway.getPayment(1).catch((e: unknown) => e)
    expect(payment).toBeInstanceOf(GatewayContractError)
    expect((payment as Error).message).toMatch(/not JSON/)
  })
})
