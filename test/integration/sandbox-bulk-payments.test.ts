import { paymentsPageSchema } from "../../src/gateway/contract"
import { API, bearer, call, deliveries, errorOf, OTHER, requestLog, useSandboxWithReceiver } from "./sandbox-helpers"

const BULK = "/__sandbox/payments/bulk"

describe("sandbox gateway: POST /__sandbox/payments/bulk", () => {
  const env = useSandboxWithReceiver()

  it("makes paid records spread over the range, listed by the API with its filters, and sends no webhook", async () => {
    const made = await call(env.sandbox, "POST", BULK, {
      headers: {},
      body: { count: 250, amount: "12.50", note_prefix: "order-", created_from: "2026-03-01T00:00:00Z", created_to: "2026-03-01T02:29:00Z" },
    })
    expect(made.status).toBe(201)
    expect(made.json).toMatchObject({ created: 250, first_id: expect.any(Number), last_id: expect.any(Number) })

    const first = await call(env.sandbox, "GET", `${API}/payments?status=completed&from=2026-03-01&to=2026-03-01&per_page=100`)
    const page = paymentsPageSchema.parse(first.json)
    expect(page).toMatchObject({ total: 250, last_page: 3, per_page: 100 })
    expect(page.data[0]).toMatchObject({ status: "completed", note: "order-1", amount_cents: 1250, total_amount_cents: 1250, currency: "USD" })
    expect(page.data[0].created_at).toMatch(/^2026-03-01T00:00:00/)

    // Evenly spread: one record per 8940 s / 249 ≈ 35.9 s, so the first hour holds records 1..101.
    const hour = paymentsPageSchema.parse((await call(env.sandbox, "GET", `${API}/payments?from=2026-03-01T00:00:00Z&to=2026-03-01T00:59:59Z&per_page=100&page=2`)).json)
    expect(hour.total).toBe(101)
    expect(hour.data.map((payment) => payment.note)).toEqual(["order-101"])
    expect(await deliveries(env.sandbox)).toEqual([])
    // Control calls are not API calls: only the two GETs are logged.
    expect((await requestLog(env.sandbox)).map((entry) => entry.method)).toEqual(["GET", "GET"])
  })

  it("makes them for another merchant when told, invisible to the first", async () => {
    const made = await call(env.sandbox, "POST", BULK, {
      headers: {},
      body: { count: 3, merchant_id: OTHER.id, created_from: "2026-03-02", created_to: "2026-03-02" },
    })
    expect(made.status).toBe(201)
    const mine = paymentsPageSchema.parse((await call(env.sandbox, "GET", `${API}/payments`)).json)
    expect(mine.total).toBe(0)
    const theirs = paymentsPageSchema.parse((await call(env.sandbox, "GET", `${API}/payments`, { headers: bearer(OTHER) })).json)
    expect(theirs.total).toBe(3)
    expect(theirs.data.map((payment) => payment.amount_cents)).toEqual([1000, 1000, 1000])
  })

  it.each([
    [{ count: 0, created_from: "2026-03-01", created_to: "2026-03-01" }, /count must be at least 1/],
    [{ count: 50_001, created_from: "2026-03-01", created_to: "2026-03-01" }, /not be greater than 50000/],
    [{ count: 2, created_from: "2026-03-02", created_to: "2026-03-01" }, /must not be after/],
    [{ count: 2, created_from: "yesterday", created_to: "2026-03-01" }, /ISO 8601/],
    [{ count: 2, created_from: "2026-03-01", created_to: "2026-03-01", colour: "red" }, /Unknown field: colour/],
  ])("refuses %j with 422", async (body, message) => {
    const reply = await call(env.sandbox, "POST", BULK, { headers: {}, body })
    expect(reply.status).toBe(422)
    expect(errorOf(reply).message).toMatch(message)
  })

  it("answers 404 for an unknown merchant", async () => {
    const reply = await call(env.sandbox, "POST", BULK, { headers: {}, body: { count: 1, merchant_id: 999, created_from: "2026-03-01", created_to: "2026-03-01" } })
    expect(reply.status).toBe(404)
  })
})
