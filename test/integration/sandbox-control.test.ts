import { z } from "zod"
import { paymentSchema } from "../../src/gateway/contract"
import {
  API,
  bearer,
  call,
  checkoutBody,
  controlPayments,
  deliveries,
  errorOf,
  MERCHANT,
  OTHER,
  openCheckout,
  payByControl,
  requestLog,
  useSandboxWithReceiver,
  waitFor,
} from "./sandbox-helpers"

describe("sandbox gateway: control API", () => {
  const env = useSandboxWithReceiver({ rateLimit: { limit: 2, windowMs: 60_000 } })

  describe("POST /__sandbox/checkouts/{cs}/pay and /expire", () => {
    it("pays: 200 with the record as GET /payments/{id} shows it; 409 when paid again", async () => {
      const { cs, id } = await openCheckout(env.sandbox, { amount: 20 })
      const reply = await payByControl(env.sandbox, cs)
      expect(reply.status).toBe(200)
      const payment = paymentSchema.parse(reply.json)
      expect(payment).toMatchObject({ id, status: "completed", amount_cents: 2000, total_amount_cents: 2000 })
      expect(reply.json).toEqual((await call(env.sandbox, "GET", `${API}/payments/${id}`)).json)
      const again = await payByControl(env.sandbox, cs)
      expect(again.status).toBe(409)
      expect(errorOf(again).message).toMatch(/already paid/)
    })

    it("simulates an under- or overpayment with amount", async () => {
      const under = await openCheckout(env.sandbox, { amount: 20 })
      expect(paymentSchema.parse((await payByControl(env.sandbox, under.cs, { amount: 19.99 })).json).total_amount_cents).toBe(1999)
      const over = await openCheckout(env.sandbox, { amount: 20 })
      expect((await payByControl(env.sandbox, over.cs, { amount: "25" })).json).toMatchObject({ amount: "20.00", total_amount: "25.00" })
    })

    it("refuses a bad amount or an unknown field with 422, an unknown cs with 404", async () => {
      const { cs } = await openCheckout(env.sandbox)
      expect((await payByControl(env.sandbox, cs, { amount: 0 })).status).toBe(422)
      expect((await payByControl(env.sandbox, cs, { amount: 1.234 })).status).toBe(422)
      const typo = await payByControl(env.sandbox, cs, { amonut: 5 })
      expect(typo.status).toBe(422)
      expect(errorOf(typo).message).toMatch(/Unknown field: amonut/)
      expect((await payByControl(env.sandbox, "cs_unknown")).status).toBe(404)
      expect(paymentSchema.parse((await payByControl(env.sandbox, cs)).json).status).toBe("completed")
    })

    it("expires now: 200 expired; then pay answers 410; expiring a paid one answers 409", async () => {
      const { cs, id } = await openCheckout(env.sandbox)
      const expired = await call(env.sandbox, "POST", `/__sandbox/checkouts/${cs}/expire`, { headers: {} })
      expect(expired.status).toBe(200)
      expect(paymentSchema.parse(expired.json)).toMatchObject({ id, status: "expired" })
      expect((await call(env.sandbox, "POST", `/__sandbox/checkouts/${cs}/expire`, { headers: {} })).status).toBe(200)
      expect((await payByControl(env.sandbox, cs)).status).toBe(410)

      const paid = await openCheckout(env.sandbox)
      await payByControl(env.sandbox, paid.cs)
      expect((await call(env.sandbox, "POST", `/__sandbox/checkouts/${paid.cs}/expire`, { headers: {} })).status).toBe(409)
      expect((await call(env.sandbox, "POST", "/__sandbox/checkouts/cs_unknown/expire", { headers: {} })).status).toBe(404)
    })
  })

  it("GET /__sandbox/payments lists every merchant's records with cs, notify_url and refunds, and no key", async () => {
    const mine = await openCheckout(env.sandbox, { notify_url: "http://127.0.0.1:9/mine" })
    const theirs = await openCheckout(env.sandbox, { notify_url: "http://127.0.0.1:9/theirs" }, OTHER)
    await payByControl(env.sandbox, mine.cs)
    expect((await call(env.sandbox, "POST", `${API}/payments/${mine.id}/refund`, { body: { amount: 1, reason: "test" } })).status).toBe(201)
    const records = await controlPayments(env.sandbox)
    expect(records).toEqual([
      expect.objectContaining({ id: mine.id, merchant_id: MERCHANT.id, cs: mine.cs, notify_url: "http://127.0.0.1:9/mine", status: "partially_refunded" }),
      expect.objectContaining({ id: theirs.id, merchant_id: OTHER.id, cs: theirs.cs, notify_url: "http://127.0.0.1:9/theirs", refunds: [] }),
    ])
    expect(records[0].refunds).toEqual([expect.objectContaining({ amount: "1.00", reason: "test" })])
    const raw = (await call(env.sandbox, "GET", "/__sandbox/payments", { headers: {} })).text
    for (const secret of [MERCHANT.apiKey, MERCHANT.webhookSecret, OTHER.apiKey, OTHER.webhookSecret]) expect(raw).not.toContain(secret)
  })

  it("GET /__sandbox/deliveries shows each delivery and its attempts, and no secret", async () => {
    const { cs, id } = await openCheckout(env.sandbox, { notify_url: "http://127.0.0.1:9/hook" })
    await payByControl(env.sandbox, cs)
    const [delivery] = await waitFor(async () => {
      const list = await deliveries(env.sandbox)
      return list[0]?.status === "failed" ? list : undefined
    }, 3_000, "the delivery to fail")
    expect(delivery).toMatchObject({ payment_record_id: id, event: "payment.completed", url: "http://127.0.0.1:9/hook", attempts: 3, last_status_code: null })
    expect(delivery.attempts_log).toHaveLength(3)
    for (const attempt of delivery.attempts_log) {
      expect(attempt.error).toMatch(/ECONNREFUSED/)
      expect(Number.isInteger(attempt.timestamp)).toBe(true)
      expect(Date.parse(attempt.at)).not.toBeNaN()
    }
    const raw = (await call(env.sandbox, "GET", "/__sandbox/deliveries", { headers: {} })).text
    expect(raw).not.toContain(MERCHANT.apiKey)
    expect(raw).not.toContain(MERCHANT.webhookSecret)
  })

  it("GET /__sandbox/requests counts API calls: one POST sent once is logged once", async () => {
    await call(env.sandbox, "POST", `${API}/checkout-session`, { body: checkoutBody() })
    await call(env.sandbox, "GET", `${API}/balance?merchant=1`, { headers: { authorization: `Bearer ${MERCHANT.apiKey}` } })
    await call(env.sandbox, "GET", "/__sandbox/payments", { headers: {} })
    expect(await requestLog(env.sandbox)).toEqual([
      { method: "POST", path: `${API}/checkout-session`, merchant_id: 1, status: 201, idempotency_key: null },
      { method: "GET", path: `${API}/balance`, merchant_id: 1, status: 200, idempotency_key: null },
    ])
  })

  it("POST /__sandbox/reset clears payments, deliveries, requests, idempotency keys, rate windows and faults", async () => {
    const key = { ...bearer(), "idempotency-key": "reset-key" }
    const first = await call(env.sandbox, "POST", `${API}/checkout-session`, { headers: key, body: checkoutBody() })
    const { cs } = z.object({ checkout_url: z.string() }).transform((s) => ({ cs: new URL(s.checkout_url).searchParams.get("cs") ?? "" })).parse(first.json)
    await payByControl(env.sandbox, cs)
    expect((await call(env.sandbox, "GET", `${API}/balance`)).status).toBe(200)
    expect((await call(env.sandbox, "GET", `${API}/balance`)).status).toBe(429)
    await call(env.sandbox, "POST", "/__sandbox/faults", { headers: {}, body: { latency_ms: 5 } })

    expect((await call(env.sandbox, "POST", "/__sandbox/reset", { headers: {} })).json).toEqual({ reset: true })
    expect(await controlPayments(env.sandbox)).toEqual([])
    expect(await deliveries(env.sandbox)).toEqual([])
    expect(await requestLog(env.sandbox)).toEqual([])
    expect((await call(env.sandbox, "GET", "/__sandbox/faults", { headers: {} })).json).toEqual({})
    const again = await call(env.sandbox, "POST", `${API}/checkout-session`, { headers: key, body: checkoutBody() })
    expect(again.status).toBe(201)
    expect(again.text).not.toBe(first.text)
    const [record] = await controlPayments(env.sandbox)
    expect(record.id).toBeGreaterThan(1) // ids keep growing across resets
  })

  it("PATCH /__sandbox/merchants/{id} validates its body and knows its merchants", async () => {
    expect((await call(env.sandbox, "PATCH", "/__sandbox/merchants/99", { headers: {}, body: { active: false } })).status).toBe(404)
    expect((await call(env.sandbox, "PATCH", "/__sandbox/merchants/1", { headers: {}, body: { active: "no" } })).status).toBe(422)
    expect((await call(env.sandbox, "PATCH", "/__sandbox/merchants/1", { headers: {}, body: "{" })).status).toBe(400)
    expect((await call(env.sandbox, "GET", "/__sandbox/merchants", { headers: {} })).json).toEqual({ data: [{ id: 1, active: true }, { id: 2, active: true }] })
  })

  it("answers JSON 404 and 405 for unknown control routes and methods", async () => {
    expect((await call(env.sandbox, "GET", "/__sandbox/nothing", { headers: {} })).status).toBe(404)
    const wrong = await call(env.sandbox, "DELETE", "/__sandbox/faults", { headers: {} })
    expect(wrong.status).toBe(405)
    expect(wrong.headers.get("allow")).toBe("GET, POST")
    expect((await call(env.sandbox, "GET", "/nowhere", { headers: {} })).status).toBe(404)
  })
})
