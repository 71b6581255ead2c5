import { checkoutSessionSchema, paymentSchema } from "../../src/gateway/contract"
import {
  API,
  bearer,
  call,
  checkoutBody,
  controlPayments,
  errorOf,
  manualClock,
  OTHER,
  openCheckout,
  requestLog,
  start,
  useSandboxWithReceiver,
} from "./sandbox-helpers"

const clock = manualClock()

describe("sandbox gateway: POST /checkout-session", () => {
  const env = useSandboxWithReceiver({ now: clock.now, checkoutTtlMs: 15 * 60_000 })

  it("answers 201 with checkout_url = invoice_url carrying ?cs= and expires_at, and opens a pending record", async () => {
    const reply = await call(env.sandbox, "POST", `${API}/checkout-session`, {
      body: { amount: 10.5, note: "order_123", notify_url: "http://127.0.0.1:9/hook", success_url: "http://127.0.0.1:9/thanks" },
    })
    expect(reply.status).toBe(201)
    const session = checkoutSessionSchema.parse(reply.json)
    expect(session.invoice_url).toBe(session.checkout_url)
    const url = new URL(session.checkout_url)
    expect(`${url.origin}${url.pathname}`).toBe(`${env.sandbox.url}/checkout`)
    expect(Date.parse(session.expires_at)).toBe(clock.now() + 15 * 60_000)
    expect(reply.json).not.toHaveProperty("id")

    const [record] = await controlPayments(env.sandbox)
    expect(record).toMatchObject({ cs: url.searchParams.get("cs"), note: "order_123", notify_url: "http://127.0.0.1:9/hook", status: "pending" })
    const read = await call(env.sandbox, "GET", `${API}/payments/${record.id}`)
    const payment = paymentSchema.parse(read.json)
    expect(payment).toMatchObject({ id: record.id, status: "pending", amount_cents: 1050, currency: "USD", note: "order_123", refunded_amount_cents: 0 })
    expect(read.json).toMatchObject({ amount: "10.50", total_amount: null, paid_at: null, refunded_amount: "0.00", created_at: "2026-03-24T12:00:00+00:00" })
  })

  it.each([
    [10.5, 1050],
    ["10.50", 1050],
    [10, 1000],
    ["1", 100],
    [1234.56, 123456],
  ])("reads the amount %p as %p cents", async (amount, cents) => {
    const { id } = await openCheckout(env.sandbox, { amount })
    const payment = paymentSchema.parse((await call(env.sandbox, "GET", `${API}/payments/${id}`)).json)
    expect(payment.amount_cents).toBe(cents)
  })

  it("numbers payment records globally, across merchants", async () => {
    const first = await openCheckout(env.sandbox)
    const second = await openCheckout(env.sandbox, {}, OTHER)
    const third = await openCheckout(env.sandbox)
    expect([second.id - first.id, third.id - second.id]).toEqual([1, 1])
  })

  it("accepts username as an alias of note, and an extra cancel_url", async () => {
    const reply = await call(env.sandbox, "POST", `${API}/checkout-session`, {
      body: { amount: 5, username: "alias_ref", notify_url: "https://shop.example/hook", cancel_url: "https://shop.example/cart" },
    })
    expect(reply.status).toBe(201)
    const [record] = await controlPayments(env.sandbox)
    expect(record).toMatchObject({ note: "alias_ref", cancel_url: "https://shop.example/cart" })
  })

  it("refuses a missing amount, note and notify_url with one 422 naming each field", async () => {
    const reply = await call(env.sandbox, "POST", `${API}/checkout-session`, { body: {} })
    expect(reply.status).toBe(422)
    const error = errorOf(reply)
    expect(Object.keys(error.errors ?? {}).sort()).toEqual(["amount", "note", "notify_url"])
    expect(error.message).toBe("The amount field is required. (and 2 more errors)")
    expect(await controlPayments(env.sandbox)).toHaveLength(0)
  })

  it.each([
    [{ amount: 10.123 }, "amount", /more than two decimals/],
    [{ amount: "10.123" }, "amount", /more than two decimals/],
    [{ amount: -5 }, "amount", /negative/],
    [{ amount: "ten" }, "amount", /not a dollar amount/],
    [{ amount: true }, "amount", /number of dollars/],
    [{ note: "   " }, "note", /note field is required/],
    [{ note: "x".repeat(256) }, "note", /255/],
    [{ notify_url: "ftp://example.com/hook" }, "notify_url", /valid http\(s\) URL/],
    [{ notify_url: "not a url" }, "notify_url", /valid http\(s\) URL/],
    [{ success_url: "javascript:alert(1)" }, "success_url", /valid http\(s\) URL/],
  ])("refuses %p with 422 on %s", async (override, field, message) => {
    const reply = await call(env.sandbox, "POST", `${API}/checkout-session`, { body: checkoutBody(override) })
    expect(reply.status).toBe(422)
    const errors = errorOf(reply).errors ?? {}
    expect(Object.keys(errors)).toEqual([field])
    expect(String(errors[field])).toMatch(message)
  })

  it("holds the minimum amount: 0.99 is refused, 1.00 is accepted", async () => {
    const below = await call(env.sandbox, "POST", `${API}/checkout-session`, { body: checkoutBody({ amount: 0.99 }) })
    expect(below.status).toBe(422)
    expect(errorOf(below).errors).toEqual({ amount: ["The amount must be at least 1.00 USD."] })
    const zero = await call(env.sandbox, "POST", `${API}/checkout-session`, { body: checkoutBody({ amount: 0 }) })
    expect(zero.status).toBe(422)
    const exact = await call(env.sandbox, "POST", `${API}/checkout-session`, { body: checkoutBody({ amount: "1.00" }) })
    expect(exact.status).toBe(201)
  })

  it("takes its minimum from the options", async () => {
    const strict = await start({ minAmountCents: 500 })
    try {
      const reply = await call(strict, "POST", `${API}/checkout-session`, { body: checkoutBody({ amount: 4.99 }) })
      expect(reply.status).toBe(422)
      expect(errorOf(reply).message).toBe("The amount must be at least 5.00 USD.")
    } finally {
      await strict.stop()
    }
  })

  it("answers 400 to a body that is not JSON, and 422 to JSON that is not an object", async () => {
    const broken = await call(env.sandbox, "POST", `${API}/checkout-session`, { body: "{amount: 10" })
    expect(broken.status).toBe(400)
    expect(errorOf(broken).message).toMatch(/not valid JSON/)
    const list = await call(env.sandbox, "POST", `${API}/checkout-session`, { body: "[1,2]" })
    expect(list.status).toBe(422)
    expect(errorOf(list).message).toMatch(/JSON object/)
  })

  describe("Idempotency-Key", () => {
    const post = (key: string, body: Record<string, unknown>, headers = bearer()) =>
      call(env.sandbox, "POST", `${API}/checkout-session`, { headers: { ...headers, "idempotency-key": key }, body })

    it("replays the very same status and body for the same key, whatever the new body", async () => {
      const first = await post("key-1", checkoutBody({ amount: 20 }))
      const again = await post("key-1", checkoutBody({ amount: 99, note: "something else" }))
      expect(first.status).toBe(201)
      expect(again.status).toBe(201)
      expect(again.text).toBe(first.text)
      expect(again.headers.get("idempotency-replayed")).toBe("true")
      expect(await controlPayments(env.sandbox)).toHaveLength(1)

      const other = await post("key-2", checkoutBody({ amount: 20 }))
      expect(other.text).not.toBe(first.text)
      expect(await controlPayments(env.sandbox)).toHaveLength(2)
      const log = await requestLog(env.sandbox)
      expect(log.map((entry) => entry.idempotency_key)).toEqual(["key-1", "key-1", "key-2"])
    })

    it("keeps keys apart per merchant", async () => {
      const mine = await post("shared-key", checkoutBody())
      const theirs = await post("shared-key", checkoutBody(), bearer(OTHER))
      expect(theirs.status).toBe(201)
      expect(theirs.text).not.toBe(mine.text)
    })

    it("forgets a key after 24 hours", async () => {
      const first = await post("day-key", checkoutBody())
      clock.advance(24 * 60 * 60_000 - 1_000)
      expect((await post("day-key", checkoutBody())).text).toBe(first.text)
      clock.advance(2_000)
      const later = await post("day-key", checkoutBody())
      expect(later.status).toBe(201)
      expect(later.text).not.toBe(first.text)
    })

    it("does not keep a refused request, so a corrected retry under the same key succeeds", async () => {
      const refused = await post("fix-key", checkoutBody({ amount: 0.5 }))
      expect(refused.status).toBe(422)
      const fixed = await post("fix-key", checkoutBody({ amount: 5 }))
      expect(fixed.status).toBe(201)
    })
  })

  it("reads a pending record past expires_at as expired", async () => {
    const { id } = await openCheckout(env.sandbox)
    clock.advance(15 * 60_000 - 1)
    expect(paymentSchema.parse((await call(env.sandbox, "GET", `${API}/payments/${id}`)).json).status).toBe("pending")
    clock.advance(1)
    expect(paymentSchema.parse((await call(env.sandbox, "GET", `${API}/payments/${id}`)).json).status).toBe("expired")
  })

  it("answers JSON 404 for an unknown route and 405 for a wrong method", async () => {
    const unknown = await call(env.sandbox, "GET", `${API}/nothing-here`)
    expect(unknown.status).toBe(404)
    expect(errorOf(unknown).message).toMatch(/No API endpoint/)
    const outside = await call(env.sandbox, "GET", "/api/v2/whatever")
    expect(outside.status).toBe(404)
    expect(errorOf(outside).message).toBeTruthy()
    const wrongMethod = await call(env.sandbox, "GET", `${API}/checkout-session`)
    expect(wrongMethod.status).toBe(405)
    expect(wrongMethod.headers.get("allow")).toBe("POST")
  })
})
