import { type CheckoutRecordFacts, planCheckout } from "../../src/providers/usdt/checkout-plan"

const NOW = Date.parse("2026-11-30T12:00:00Z")
const MIN = 60_000

function record(fields: Partial<CheckoutRecordFacts> & { id: string }): CheckoutRecordFacts {
  return {
    session_id: fields.id,
    note: fields.id,
    opened: true,
    amount_cents: 1550,
    expires_at: new Date(NOW + 30 * MIN),
    opened_at: new Date(NOW - MIN),
    state: "open",
    paid_cents: null,
    ...fields,
  }
}

const plan = (records: CheckoutRecordFacts[], amountCents = 1550, sessionId = "payses_new", maxPerHour = 3) =>
  planCheckout(records, { sessionId, amountCents, maxPerHour, now: NOW })

describe("planCheckout", () => {
  it("opens the first checkout of a cart", () => {
    expect(plan([])).toEqual({ kind: "open" })
  })

  it("reuses an open checkout of the same amount, not one of another amount or about to expire", () => {
    const open = record({ id: "a" })
    expect(plan([open])).toEqual({ kind: "reuse", record: open })
    expect(plan([record({ id: "b", amount_cents: 2000 })])).toEqual({ kind: "open" })
    expect(plan([record({ id: "c", expires_at: new Date(NOW + MIN) })])).toEqual({ kind: "open" })
    expect(plan([record({ id: "d", state: "paid_no_order" })])).toEqual({ kind: "open" })
  })

  it("keeps the session's own open checkout", () => {
    const own = record({ id: "payses_new" })
    expect(plan([own])).toEqual({ kind: "keep", record: own })
  })

  it("adopts a paid checkout of the cart that covers the amount, before anything else", () => {
    const paid = record({ id: "old", state: "paid", paid_cents: 2000, amount_cents: 2000 })
    expect(plan([record({ id: "a" }), paid])).toEqual({ kind: "adopt", record: paid })
    expect(plan([record({ id: "short", state: "paid", paid_cents: 1000 })])).toMatchObject({ kind: "open" })
  })

  it("caps the checkouts a cart opens in an hour, counting only those it opened", () => {
    const opened = [1, 2, 3].map((n) => record({ id: `o${n}`, amount_cents: 1000 + n, opened_at: new Date(NOW - n * 10 * MIN) }))
    const reusedRows = [record({ id: "r1", note: "o1", opened: false, amount_cents: 1001 })]
    expect(plan([...opened, ...reusedRows])).toEqual({ kind: "limited", retryAfterMs: 30 * MIN })
    expect(plan(opened, 1002)).toMatchObject({ kind: "reuse" })
    expect(plan(opened.map((r, i) => ({ ...r, opened_at: new Date(NOW - (61 + i) * MIN) })))).toEqual({ kind: "open" })
  })
})
