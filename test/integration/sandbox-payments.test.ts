import { paymentSchema, paymentsPageSchema } from "../../src/gateway/contract"
import { API, bearer, call, errorOf, manualClock, OTHER, openCheckout, payByControl, useSandboxWithReceiver } from "./sandbox-helpers"

const clock = manualClock(Date.parse("2026-03-01T00:00:00Z"))
const HOUR = 3_600_000

describe("sandbox gateway: GET /payments and /payments/{id}", () => {
  const env = useSandboxWithReceiver({ now: clock.now, checkoutTtlMs: 365 * 24 * HOUR })
  beforeEach(() => {
    clock.set(Date.parse("2026-03-01T00:00:00Z"))
  })

  async function list(query: string, headers = bearer()) {
    const reply = await call(env.sandbox, "GET", `${API}/payments${query}`, { headers })
    if (reply.status !== 200) throw new Error(`list answered ${reply.status}: ${reply.text}`)
    return paymentsPageSchema.parse(reply.json)
  }

  it("answers 404 for another merchant's payment and for an unknown id", async () => {
    const theirs = await openCheckout(env.sandbox, {}, OTHER)
    const notMine = await call(env.sandbox, "GET", `${API}/payments/${theirs.id}`)
    expect(notMine.status).toBe(404)
    expect(errorOf(notMine).message).toBe("Payment not found.")
    expect((await call(env.sandbox, "GET", `${API}/payments/${theirs.id}`, { headers: bearer(OTHER) })).status).toBe(200)
    expect((await call(env.sandbox, "GET", `${API}/payments/999999`)).status).toBe(404)
    expect((await call(env.sandbox, "GET", `${API}/payments/abc`)).status).toBe(404)
  })

  it("pages by id ascending with the Laravel fields, 15 a page by default", async () => {
    const ids: number[] = []
    for (let i = 0; i < 7; i++) ids.push((await openCheckout(env.sandbox, { note: `n${i}` })).id)
    await openCheckout(env.sandbox, {}, OTHER)

    const first = await list("?per_page=3")
    expect(first).toMatchObject({ current_page: 1, per_page: 3, last_page: 3, total: 7 })
    expect(first.data.map((p) => p.id)).toEqual(ids.slice(0, 3))
    const third = await list("?per_page=3&page=3")
    expect(third.data.map((p) => p.id)).toEqual(ids.slice(6))
    const beyond = await list("?per_page=3&page=4")
    expect(beyond).toMatchObject({ data: [], current_page: 4, last_page: 3, total: 7 })

    const all = await list("")
    expect(all).toMatchObject({ per_page: 15, current_page: 1, last_page: 1, total: 7 })
    expect(all.data.map((p) => p.id)).toEqual(ids)
    expect(await list("?merchant=1&status=&from=&to=&per_page=")).toMatchObject({ total: 7 })
  })

  it("answers a last_page of 1 for an empty list", async () => {
    expect(await list("")).toEqual({ data: [], current_page: 1, per_page: 15, last_page: 1, total: 0 })
  })

  it.each([
    ["?per_page=101", "per_page", /not be greater than 100/],
    ["?per_page=0", "per_page", /at least 1/],
    ["?per_page=ten", "per_page", /integer/],
    ["?page=0", "page", /at least 1/],
    ["?status=paid", "status", /status is invalid/],
    ["?from=yesterday", "from", /ISO 8601/],
    ["?to=2026-02-30", "to", /ISO 8601/],
    ["?from=2026-03-01T25:00:00Z", "from", /ISO 8601/],
  ])("refuses %s with 422 on %s", async (query, field, message) => {
    const reply = await call(env.sandbox, "GET", `${API}/payments${query}`)
    expect(reply.status).toBe(422)
    const errors = errorOf(reply).errors ?? {}
    expect(Object.keys(errors)).toEqual([field])
    expect(String(errors[field])).toMatch(message)
  })

  it("filters on status, including a pending record past its expiry as expired", async () => {
    const paid = await openCheckout(env.sandbox)
    const pending = await openCheckout(env.sandbox)
    const canceled = await openCheckout(env.sandbox)
    expect((await payByControl(env.sandbox, paid.cs)).status).toBe(200)
    expect((await call(env.sandbox, "POST", `/__sandbox/checkouts/${canceled.cs}/expire`, { headers: {} })).status).toBe(200)
    expect((await list("?status=completed")).data.map((p) => p.id)).toEqual([paid.id])
    expect((await list("?status=pending")).data.map((p) => p.id)).toEqual([pending.id])
    expect((await list("?status=expired")).data.map((p) => p.id)).toEqual([canceled.id])
  })

  describe("from / to on created_at (UTC, to inclusive)", () => {
    const at: Record<string, number> = {}
    beforeEach(async () => {
      const times = {
        day1_morning: "2026-03-01T09:00:00Z",
        day2_noon: "2026-03-02T12:00:00Z",
        day2_noon_late: "2026-03-02T12:00:00.700Z",
        day2_evening: "2026-03-02T23:59:59Z",
        day3_start: "2026-03-03T00:00:00Z",
      }
      for (const [name, time] of Object.entries(times)) {
        clock.set(Date.parse(time))
        at[name] = (await openCheckout(env.sandbox, { note: name })).id
      }
    })
    const notes = async (query: string) => (await list(query)).data.map((p) => p.note)

    it("reads a date-only to as through the end of that day", async () => {
      expect(await notes("?to=2026-03-02")).toEqual(["day1_morning", "day2_noon", "day2_noon_late", "day2_evening"])
    })

    it("reads a date-only from as from the start of that day", async () => {
      expect(await notes("?from=2026-03-02&to=2026-03-02")).toEqual(["day2_noon", "day2_noon_late", "day2_evening"])
    })

    it("includes a date-time to, through the whole second it names", async () => {
      expect(await notes("?from=2026-03-02T12:00:00Z&to=2026-03-02T12:00:00Z")).toEqual(["day2_noon", "day2_noon_late"])
      expect(await notes("?to=2026-03-02T12:00:00.500Z")).toEqual(["day1_morning", "day2_noon"])
    })

    it("reads offsets, a date-time without one as UTC, and a '+' that a query turned into a space", async () => {
      expect(await notes(`?from=${encodeURIComponent("2026-03-03T01:00:00+01:00")}`)).toEqual(["day3_start"])
      expect(await notes("?from=2026-03-03T00:00:00")).toEqual(["day3_start"])
      expect(await notes("?from=2026-03-03T01:00:00+01:00")).toEqual(["day3_start"])
    })

    it("shows created_at as the page does, at whole seconds with +00:00", async () => {
      const payment = (await call(env.sandbox, "GET", `${API}/payments/${at.day2_noon_late}`)).json
      expect(payment).toMatchObject({ created_at: "2026-03-02T12:00:00+00:00" })
      expect(paymentSchema.parse(payment).created_at).toBe("2026-03-02T12:00:00+00:00")
    })
  })
})
