import { errorBodySchema, isPaidStatus, paymentSchema, paymentsPageSchema, refundOutcome, webhookEventSchema } from "../../src/gateway"

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
    [{ amount: "ten" }, "amount"],
    [{ id: "forty-two" }, "id"],
    [{ id: 0 }, "id"],
    [{ status: "" }, "status"],
    [{ created_at: "yesterday" }, "created_at"],
  ])("refuses a record whose needed field cannot be read: %p", (change, field) => {
    const result = paymentSchema.safeParse({ ...record, ...change })
    expect(result.success).toBe(false)
    if (!result.success) expect(result.error.issues[0].path).toEqual([field])
  })

  it("keeps an unknown status as sent, not paid, marked unknown", () => {
    const payment = paymentSchema.parse({ ...record, status: "under_review", total_amount: null })
    expect(payment).toMatchObject({ status: "under_review", status_known: false, paid: false, total_amount_cents: 0 })
    expect(paymentSchema.parse(record)).toMatchObject({ status_known: true, paid: true })
  })

  it("reads ids as numbers or numeric strings, and keeps bybit_pay_id / merchant_trade_no of any scalar type as text", () => {
    const payment = paymentSchema.parse({ ...record, id: "42", bybit_pay_id: 987654321, merchant_trade_no: true })
    expect(payment).toMatchObject({ id: 42, bybit_pay_id: "987654321", merchant_trade_no: "true" })
    expect(paymentSchema.parse({ ...record, bybit_pay_id: { nested: 1 } }).bybit_pay_id).toBeNull()
  })

  it("reads six-decimal amounts to the cent by the one rounding rule (half up)", () => {
    const payment = paymentSchema.parse({ ...record, amount: "10.500000", total_amount: "10.494999", refunded_amount: "0.005000" })
    expect(payment).toMatchObject({ amount_cents: 1050, total_amount_cents: 1049, refunded_amount_cents: 1 })
    expect(paymentSchema.parse({ ...record, total_amount: "10.495" }).total_amount_cents).toBe(1050)
  })

  it("reads a record with only what is needed: currency USD, note, dates and refunds absent", () => {
    const payment = paymentSchema.parse({ id: 7, status: "pending", amount: "3.00" })
    expect(payment).toMatchObject({ id: 7, currency: "USD", note: null, created_at: null, paid_at: null, refunded_amount_cents: 0, total_amount_cents: 0 })
  })

  it("reads a tolerant webhook body: string ids, six decimals, numeric bybit_pay_id, no currency", () => {
    const event = webhookEventSchema.parse({
      event: "payment.completed",
      merchant_id: "1",
      amount: "10.500000",
      total_amount: "10.500000",
      bybit_pay_id: 123,
      note: "payses_1",
      payment_record_id: "42",
    })
    expect(event).toMatchObject({ merchant_id: 1, payment_record_id: 42, amount: 1050, total_amount: 1050, currency: "USD", bybit_pay_id: "123" })
  })

  it.each([
    ["completed", "succeeded"],
    ["Succeeded", "succeeded"],
    ["failed", "failed"],
    ["pending", "pending"],
    ["processing", "pending"],
    ["whatever_new", "pending"],
  ])("reads a refund answered %p as %p", (status, outcome) => {
    expect(refundOutcome(status)).toBe(outcome)
  })

  it("defines paid once: the three statuses that follow a payment, nothing else", () => {
    expect(["completed", "partially_refunded", "refunded"].every(isPaidStatus)).toBe(true)
    expect(["pending", "expired", "processing", ""].some(isPaidStatus)).toBe(false)
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
