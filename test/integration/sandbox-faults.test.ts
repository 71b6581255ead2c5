import { z } from "zod"
import {
  API,
  call,
  checkoutBody,
  controlPayments,
  deliveries,
  errorOf,
  openCheckout,
  payByControl,
  requestLog,
  resetSandbox,
  sleep,
  useSandboxWithReceiver,
  waitFor,
} from "./sandbox-helpers"

describe("sandbox gateway: fault switches", () => {
  const env = useSandboxWithReceiver()

  const setFaults = (faults: unknown) => call(env.sandbox, "POST", "/__sandbox/faults", { headers: {}, body: faults })
  const getFaults = async () => (await call(env.sandbox, "GET", "/__sandbox/faults", { headers: {} })).json
  const paid = async () => {
    const checkout = await openCheckout(env.sandbox, { notify_url: env.receiver.url })
    expect((await payByControl(env.sandbox, checkout.cs)).status).toBe(200)
    return checkout.id
  }
  const noteOf = (raw: Buffer) => z.object({ payment_record_id: z.number() }).parse(JSON.parse(raw.toString("utf8"))).payment_record_id

  describe("setting and clearing", () => {
    it("shows what was set, replaces the set on each POST, and clears it with an empty body", async () => {
      expect(await getFaults()).toEqual({})
      expect((await setFaults({ webhook_drop_rate: 0.5, latency_ms: 10 })).json).toEqual({ webhook_drop_rate: 0.5, latency_ms: 10 })
      expect(await getFaults()).toEqual({ webhook_drop_rate: 0.5, latency_ms: 10 })
      await setFaults({ api_429_rate: 0.1 })
      expect(await getFaults()).toEqual({ api_429_rate: 0.1 })
      expect((await call(env.sandbox, "POST", "/__sandbox/faults", { headers: {} })).status).toBe(200)
      expect(await getFaults()).toEqual({})
    })

    it.each([
      [{ webhook_drop_rate: 1.5 }, "webhook_drop_rate"],
      [{ api_error_rate: -0.1 }, "api_error_rate"],
      [{ webhook_duplicate_rate: "half" }, "webhook_duplicate_rate"],
      [{ latency_ms: -1 }, "latency_ms"],
      [{ webhook_delay_ms: 1.5 }, "webhook_delay_ms"],
      [{ webhook_duplicate_copies: 6 }, "webhook_duplicate_copies"],
      [{ webhook_drop: 1 }, "body"],
    ])("refuses %p with 422 and keeps the faults as they were", async (faults, field) => {
      await setFaults({ api_429_rate: 0.25 })
      const reply = await setFaults(faults)
      expect(reply.status).toBe(422)
      expect(Object.keys(errorOf(reply).errors ?? {})).toEqual([field])
      expect(await getFaults()).toEqual({ api_429_rate: 0.25 })
    })

    it("is cleared by a reset", async () => {
      await setFaults({ api_error_rate: 1 })
      await resetSandbox(env.sandbox)
      expect(await getFaults()).toEqual({})
      expect((await call(env.sandbox, "GET", `${API}/balance`)).status).toBe(200)
    })
  })

  describe("webhooks", () => {
    it("drop: records the delivery as dropped and never sends it", async () => {
      await setFaults({ webhook_drop_rate: 1 })
      const id = await paid()
      await sleep(150)
      expect(env.receiver.received).toHaveLength(0)
      expect(await deliveries(env.sandbox)).toEqual([
        expect.objectContaining({ payment_record_id: id, status: "dropped", attempts: 0, faults_applied: ["dropped"] }),
      ])
    })

    it("duplicate: sends the same delivery twice, as two deliveries", async () => {
      await setFaults({ webhook_duplicate_rate: 1 })
      const id = await paid()
      await waitFor(() => (env.receiver.received.length >= 2 ? true : undefined), 2_000, "two webhooks")
      await sleep(50)
      expect(env.receiver.received).toHaveLength(2)
      expect(env.receiver.received[0].raw.equals(env.receiver.received[1].raw)).toBe(true)
      const list = await deliveries(env.sandbox)
      expect(list).toHaveLength(2)
      expect(list.every((d) => d.payment_record_id === id && d.status === "delivered" && d.faults_applied.includes("duplicate"))).toBe(true)
    })

    it("duplicate with webhook_duplicate_copies 3: the same delivery three times", async () => {
      await setFaults({ webhook_duplicate_rate: 1, webhook_duplicate_copies: 3 })
      const id = await paid()
      await waitFor(() => (env.receiver.received.length >= 3 ? true : undefined), 2_000, "three webhooks")
      await sleep(50)
      expect(env.receiver.received).toHaveLength(3)
      expect(new Set(env.receiver.received.map((hook) => hook.raw.toString())).size).toBe(1)
      const list = await deliveries(env.sandbox)
      expect(list.map((d) => [d.payment_record_id, d.status])).toEqual([
        [id, "delivered"],
        [id, "delivered"],
        [id, "delivered"],
      ])
    })

    it("reorder: holds deliveries back by random delays so that they arrive out of order", async () => {
      await setFaults({ webhook_reorder_rate: 1 })
      const ids: number[] = []
      for (let i = 0; i < 8; i++) ids.push(await paid())
      await waitFor(() => (env.receiver.received.length >= 8 ? true : undefined), 3_000, "eight webhooks")
      const arrived = env.receiver.received.map((hook) => noteOf(hook.raw))
      expect([...arrived].sort((a, b) => a - b)).toEqual(ids)
      expect(arrived).not.toEqual(ids) // in order by chance: 1 in 8! = 40 320
      const list = await deliveries(env.sandbox)
      expect(list.every((d) => d.faults_applied.some((f) => /^reorder \+\d+ms$/.test(f)))).toBe(true)
    })

    it("delay: waits before the first attempt", async () => {
      await setFaults({ webhook_delay_ms: 300 })
      const paidAt = Date.now()
      await paid()
      await sleep(150)
      expect(env.receiver.received).toHaveLength(0)
      const hook = await waitFor(() => env.receiver.received[0], 2_000, "the delayed webhook")
      expect(hook.receivedAt - paidAt).toBeGreaterThanOrEqual(290)
      const [delivery] = await deliveries(env.sandbox)
      expect(delivery.faults_applied).toEqual(["delay +300ms"])
    })

    it("clearing the faults brings back prompt, single deliveries", async () => {
      await setFaults({ webhook_drop_rate: 1 })
      await setFaults({})
      await paid()
      await waitFor(() => env.receiver.received[0], 2_000, "the webhook")
      await sleep(50)
      expect(env.receiver.received).toHaveLength(1)
    })
  })

  describe("API", () => {
    it("api_fault_methods: the API faults hit only the methods named", async () => {
      await setFaults({ api_error_rate: 1, api_fault_methods: ["POST"] })
      expect((await call(env.sandbox, "GET", `${API}/balance`)).status).toBe(200)
      expect((await call(env.sandbox, "POST", `${API}/checkout-session`, { body: checkoutBody() })).status).toBeGreaterThanOrEqual(500)
      await setFaults({ api_error_rate: 1, api_fault_methods: ["GET"] })
      expect((await call(env.sandbox, "GET", `${API}/balance`)).status).toBeGreaterThanOrEqual(500)
      expect((await call(env.sandbox, "POST", `${API}/checkout-session`, { body: checkoutBody() })).status).toBe(201)
    })

    it("api_error_rate: answers 500/502/503 JSON without carrying the call out", async () => {
      await setFaults({ api_error_rate: 1 })
      const statuses = new Set<number>()
      for (let i = 0; i < 20; i++) {
        const reply = await call(env.sandbox, "POST", `${API}/checkout-session`, { body: checkoutBody() })
        expect(errorOf(reply).message).toMatch(/injected fault/)
        statuses.add(reply.status)
      }
      expect([...statuses].every((s) => [500, 502, 503].includes(s))).toBe(true)
      expect(statuses.size).toBeGreaterThan(1)
      expect(await controlPayments(env.sandbox)).toHaveLength(0)
      const log = await requestLog(env.sandbox)
      expect(log).toHaveLength(20)
      expect(log.every((entry) => [500, 502, 503].includes(entry.status) && entry.merchant_id === 1)).toBe(true)
    })

    it("api_429_rate: answers 429 with retry_after_seconds 1 without carrying the call out", async () => {
      await setFaults({ api_429_rate: 1 })
      const reply = await call(env.sandbox, "POST", `${API}/checkout-session`, { body: checkoutBody() })
      expect(reply.status).toBe(429)
      expect(errorOf(reply).retry_after_seconds).toBe(1)
      expect(reply.headers.get("retry-after")).toBe("1")
      expect(await controlPayments(env.sandbox)).toHaveLength(0)
    })

    it("latency_ms: waits before answering API calls, not control calls", async () => {
      await setFaults({ latency_ms: 250 })
      let started = Date.now()
      expect((await call(env.sandbox, "GET", `${API}/balance`)).status).toBe(200)
      expect(Date.now() - started).toBeGreaterThanOrEqual(240)
      started = Date.now()
      await getFaults()
      expect(Date.now() - started).toBeLessThan(200)
      await setFaults({})
      started = Date.now()
      await call(env.sandbox, "GET", `${API}/balance`)
      expect(Date.now() - started).toBeLessThan(200)
    })
  })
})
