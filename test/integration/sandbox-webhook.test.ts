import { verifyWebhook } from "../../src/gateway/webhook-signature"
import type { RunningSandbox } from "../../src/sandbox"
import {
  deliveries,
  type DeliveryView,
  manualClock,
  MERCHANT,
  openCheckout,
  payByControl,
  type Receiver,
  sleep,
  start,
  startReceiver,
  waitFor,
} from "./sandbox-helpers"

const open: Array<{ stop(): Promise<void> } | Receiver> = []
afterEach(async () => {
  await Promise.all(open.splice(0).map((item) => ("stop" in item ? item.stop() : item.close())))
})

async function sandboxWith(retry: { maxAttempts?: number; baseDelayMs?: number; factor?: number; maxDelayMs?: number; timeoutMs?: number } = {}) {
  const sandbox = await start({ webhookRetry: { maxAttempts: 3, baseDelayMs: 20, factor: 2, maxDelayMs: 500, timeoutMs: 1_000, ...retry } })
  open.push(sandbox)
  return sandbox
}

async function receiverWith(respond?: (index: number) => number | "hang") {
  const receiver = await startReceiver(respond)
  open.push(receiver)
  return receiver
}

async function settled(sandbox: RunningSandbox, count = 1): Promise<DeliveryView[]> {
  return waitFor(async () => {
    const list = await deliveries(sandbox)
    return list.length >= count && list.every((d) => d.status !== "pending") ? list : undefined
  }, 5_000, "deliveries to settle")
}

const verify = (raw: Buffer, headers: Parameters<typeof verifyWebhook>[0]["headers"]) =>
  verifyWebhook({ rawBody: raw, headers, secrets: MERCHANT.webhookSecret })

describe("sandbox gateway: webhooks", () => {
  it("sends the page's body and headers, signed so that the core's verifyWebhook accepts it", async () => {
    const sandbox = await sandboxWith()
    const receiver = await receiverWith()
    const { cs, id } = await openCheckout(sandbox, { amount: "10.50", note: "order_123", notify_url: receiver.url })
    expect((await payByControl(sandbox, cs)).status).toBe(200)
    const [delivery] = await settled(sandbox)
    const [hook] = receiver.received

    expect(hook.headers["content-type"]).toBe("application/json")
    expect(hook.headers["x-gateway-merchant-key"]).toBe(MERCHANT.apiKey)
    expect(hook.headers["x-gateway-signature"]).toBe(`t=${hook.headers["x-gateway-timestamp"]},v1=${String(hook.headers["x-gateway-signature"]).split("v1=")[1]}`)
    const body = JSON.parse(hook.raw.toString("utf8"))
    expect(Object.keys(body)).toEqual([
      "event", "status", "merchant_id", "amount", "total_amount", "currency", "bybit_pay_id", "merchant_trade_no", "note", "payment_record_id", "paid_at",
    ])
    expect(body).toMatchObject({
      event: "payment.completed",
      status: "completed",
      merchant_id: MERCHANT.id,
      amount: "10.50",
      total_amount: "10.50",
      currency: "USD",
      note: "order_123",
      payment_record_id: id,
    })
    expect(body.paid_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/)
    expect(typeof body.bybit_pay_id).toBe("string")
    expect(typeof body.merchant_trade_no).toBe("string")

    const verified = verify(hook.raw, hook.headers)
    expect(verified).toMatchObject({ valid: true, event: { payment_record_id: id, amount: 1050, total_amount: 1050 } })
    expect(verifyWebhookWithWrongSecret(hook.raw, hook.headers)).toBe(false)
    expect(delivery).toMatchObject({ payment_record_id: id, event: "payment.completed", url: receiver.url, status: "delivered", attempts: 1, last_status_code: 200 })
    expect(delivery.body).toBe(hook.raw.toString("utf8"))
  })

  it("reports the amount actually paid as total_amount (an overpayment)", async () => {
    const sandbox = await sandboxWith()
    const receiver = await receiverWith()
    const { cs } = await openCheckout(sandbox, { amount: 10, notify_url: receiver.url })
    await payByControl(sandbox, cs, { amount: "12.34" })
    await settled(sandbox)
    expect(JSON.parse(receiver.received[0].raw.toString("utf8"))).toMatchObject({ amount: "10.00", total_amount: "12.34" })
  })

  it("retries a 500 and re-signs each try with a different timestamp", async () => {
    // A clock that stands still: two tries 30 ms apart must still carry different timestamps.
    const clock = manualClock()
    const sandbox = await start({ now: clock.now, webhookRetry: { maxAttempts: 3, baseDelayMs: 30 } })
    open.push(sandbox)
    const receiver = await receiverWith((index) => (index === 0 ? 500 : 200))
    const { cs } = await openCheckout(sandbox, { notify_url: receiver.url })
    await payByControl(sandbox, cs)
    const [delivery] = await settled(sandbox)

    expect(receiver.received).toHaveLength(2)
    const [first, second] = receiver.received
    expect(first.raw.equals(second.raw)).toBe(true)
    expect(first.headers["x-gateway-timestamp"]).not.toBe(second.headers["x-gateway-timestamp"])
    expect(first.headers["x-gateway-signature"]).not.toBe(second.headers["x-gateway-signature"])
    expect(Number(second.headers["x-gateway-timestamp"])).toBeGreaterThan(Number(first.headers["x-gateway-timestamp"]))
    for (const hook of [first, second]) {
      expect(verifyWebhook({ rawBody: hook.raw, headers: hook.headers, secrets: MERCHANT.webhookSecret, now: clock.now }).valid).toBe(true)
    }
    expect(second.receivedAt - first.receivedAt).toBeGreaterThanOrEqual(25)

    expect(delivery).toMatchObject({ status: "delivered", attempts: 2, last_status_code: 200 })
    expect(delivery.attempts_log.map((a) => a.status_code)).toEqual([500, 200])
    expect(delivery.attempts_log.map((a) => String(a.timestamp))).toEqual([first.headers["x-gateway-timestamp"], second.headers["x-gateway-timestamp"]])
  })

  it("gives up after maxAttempts with growing, capped delays", async () => {
    const sandbox = await sandboxWith({ maxAttempts: 4, baseDelayMs: 40, factor: 3, maxDelayMs: 150 })
    const receiver = await receiverWith(() => 503)
    const { cs } = await openCheckout(sandbox, { notify_url: receiver.url })
    await payByControl(sandbox, cs)
    const [delivery] = await settled(sandbox)
    expect(delivery).toMatchObject({ status: "failed", attempts: 4, last_status_code: 503 })
    expect(receiver.received).toHaveLength(4)
    const gaps = receiver.received.slice(1).map((hook, i) => hook.receivedAt - receiver.received[i].receivedAt)
    // Delays 40, 120, then 360 capped at 150.
    expect(gaps[0]).toBeGreaterThanOrEqual(35)
    expect(gaps[1]).toBeGreaterThanOrEqual(110)
    expect(gaps[2]).toBeGreaterThanOrEqual(140)
    expect(gaps[2]).toBeLessThan(350)
    await sleep(200)
    expect(receiver.received).toHaveLength(4)
  })

  it("retries after a timeout and after a refused connection", async () => {
    const sandbox = await sandboxWith({ timeoutMs: 150, maxAttempts: 2 })
    const receiver = await receiverWith((index) => (index === 0 ? "hang" : 200))
    const slow = await openCheckout(sandbox, { notify_url: receiver.url })
    await payByControl(sandbox, slow.cs)
    const refused = await openCheckout(sandbox, { notify_url: "http://127.0.0.1:9/nobody-listens" })
    await payByControl(sandbox, refused.cs)
    const list = await settled(sandbox, 2)
    const bySlow = list.find((d) => d.payment_record_id === slow.id)
    expect(bySlow).toMatchObject({ status: "delivered", attempts: 2 })
    expect(bySlow?.attempts_log[0].error).toMatch(/timeout/)
    const byRefused = list.find((d) => d.payment_record_id === refused.id)
    expect(byRefused).toMatchObject({ status: "failed", attempts: 2, last_status_code: null })
    expect(byRefused?.attempts_log[0].error).toMatch(/ECONNREFUSED/)
  })

  it("never calls the internet: a public notify_url fails at once, unsent", async () => {
    const sandbox = await sandboxWith()
    const { cs } = await openCheckout(sandbox, { notify_url: "https://yoursite.com/webhooks/paid" })
    await payByControl(sandbox, cs)
    const [delivery] = await settled(sandbox)
    expect(delivery).toMatchObject({ status: "failed", attempts: 1 })
    expect(delivery.attempts_log[0].error).toMatch(/yoursite\.com is not on this machine or a private network/)
  })

  it("stop() cancels pending retries", async () => {
    const sandbox = await start({ webhookRetry: { maxAttempts: 5, baseDelayMs: 300 } })
    const receiver = await receiverWith(() => 500)
    const { cs } = await openCheckout(sandbox, { notify_url: receiver.url })
    await payByControl(sandbox, cs)
    await waitFor(() => receiver.received[0], 2_000, "the first try")
    const started = Date.now()
    await sandbox.stop()
    expect(Date.now() - started).toBeLessThan(250)
    await sleep(400)
    expect(receiver.received).toHaveLength(1)
  })
})

function verifyWebhookWithWrongSecret(raw: Buffer, headers: Parameters<typeof verifyWebhook>[0]["headers"]): boolean {
  return verifyWebhook({ rawBody: raw, headers, secrets: "whsec_not_the_secret" }).valid
}
