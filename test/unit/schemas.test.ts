import { errorBodySchema, paymentSchema, paymentsPageSchema } from "../../src/gateway"

const record = {
  id: 42,
  status: "completed",
  amount: "10.50",
  total_amount: "10.50",
  currency: "USD",
  note: "payses_1",
  created_at: "2026-03-24T12:00:00+00:00",
  paid_at: "2026-03-24T12:01:00+00:00",
  refunded_amount: "0.00",
}

describe("contract schemas", () => {
  it("reads money as cents and keeps unknown fields", () => {
    const payment = paymentSchema.parse({ ...record, vendor_extra: { a: 1 } })
    expect(payment).toMatchObject({ amount_cents: 1050, total_amount_cents: 1050, refunded_amount_cents: 0, vendor_extra: { a: 1 } })
  })

  it("counts nothing as paid for an unpaid record without a total, and the amount for a paid one", () => {
    expect(paymentSchema.parse({ ...record, status: "pending", total_amount: null, paid_at: null }).total_amount_cents).toBe(0)
    expect(paymentSchema.parse({ ...record, status: "expired", total_amount: undefined }).total_amount_cents).toBe(0)
    expect(paymentSchema.parse({ ...record, total_amount: null }).total_amount_cents).toBe(1050)
    expect(paymentSchema.parse({ ...record, total_amount: "9.00" }).total_amount_cents).toBe(900)
  })

  it.each([
    [{ status: "weird" }, "status"],
    [{ amount: "1.234" }, "amount"],
    [{ id: "42" }, "id"],
    [{ created_at: "yesterday" }, "created_at"],
  ])("refuses a record that breaks the contract: %p", (change, field) => {
    const result = paymentSchema.safeParse({ ...record, ...change })
    expect(result.success).toBe(false)
    if (!result.success) expect(result.error.issues[0].path).toEqual([field])
  })

  it("reads a page without per_page or last_page", () => {
    const page = paymentsPageSchema.parse({ data: [record], current_page: 1, total: 1 })
    expect(page.data[0].amount_cents).toBe(1050)
    expect(page.per_page).toBeUndefined()
  })

  it("keeps the gateway's message when another field of an error body has an odd shape", () => {
    const body = errorBodySchema.parse({ message: "amount below minimum", errors: 42, retry_after_seconds: "soon" })
    expect(body.message).toBe("amount below minimum")
    expect(body.errors).toBeUndefined()
    expect(body.retry_after_seconds).toBeUndefined()
  })
})
