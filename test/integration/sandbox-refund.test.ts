import { balanceSchema, paymentSchema, refundSchema } from "../../src/gateway/contract"
import { API, bearer, call, controlPayments, errorOf, OTHER, openCheckout, payByControl, useSandboxWithReceiver } from "./sandbox-helpers"

describe("sandbox gateway: refunds and balance", () => {
  const env = useSandboxWithReceiver()

  const refund = (id: number, amount: unknown, headers = bearer()) =>
    call(env.sandbox, "POST", `${API}/payments/${id}/refund`, { headers, body: { amount, reason: "customer asked" } })
  const payment = async (id: number) => paymentSchema.parse((await call(env.sandbox, "GET", `${API}/payments/${id}`)).json)
  const balance = async (headers = bearer()) => balanceSchema.parse((await call(env.sandbox, "GET", `${API}/balance`, { headers })).json)

  async function paidCheckout(amount: number, paid?: number) {
    const checkout = await openCheckout(env.sandbox, { amount })
    const reply = await payByControl(env.sandbox, checkout.cs, paid === undefined ? {} : { amount: paid })
    expect(reply.status).toBe(200)
    return checkout.id
  }

  it("refuses to refund a payment that was not paid", async () => {
    const { id } = await openCheckout(env.sandbox, { amount: 10 })
    const reply = await refund(id, 1)
    expect(reply.status).toBe(422)
    expect(errorOf(reply).errors).toEqual({ payment: [expect.stringMatching(/only a paid payment can be refunded/)] })
  })

  it("honours an Idempotency-Key on refunds: the same key gets the first answer and refunds once", async () => {
    const id = await paidCheckout(10)
    const keyed = (key: string, amount: number) => refund(id, amount, { ...bearer(), "idempotency-key": key })
    const first = await keyed("refund-key-1", 2)
    const again = await keyed("refund-key-1", 2)
    expect(first.status).toBe(201)
    expect(again.status).toBe(201)
    expect(again.json).toEqual(first.json)
    expect(await payment(id)).toMatchObject({ refunded_amount_cents: 200 })

    const other = await keyed("refund-key-2", 2)
    expect(refundSchema.parse(other.json).refund_id).not.toBe(refundSchema.parse(first.json).refund_id)
    expect(await payment(id)).toMatchObject({ refunded_amount_cents: 400 })
  })

  it("refunds in parts up to what was paid, then refuses anything more", async () => {
    const id = await paidCheckout(10)

    const partial = await refund(id, 3)
    expect(partial.status).toBe(201)
    expect(partial.json).toMatchObject({ status: "completed", amount: "3.00", payment_id: id })
    const first = refundSchema.parse(partial.json)
    expect(first.refund_id).toMatch(/^\d+$/)
    expect(await payment(id)).toMatchObject({ status: "partially_refunded", refunded_amount_cents: 300 })

    const over = await refund(id, "7.01")
    expect(over.status).toBe(422)
    expect(errorOf(over).message).toBe(`The refund of 7.01 exceeds the 7.00 still refundable on payment ${id}.`)
    expect(await payment(id)).toMatchObject({ refunded_amount_cents: 300 })

    const rest = await refund(id, "7.00")
    expect(rest.status).toBe(201)
    expect(refundSchema.parse(rest.json).refund_id).not.toBe(first.refund_id)
    expect(await payment(id)).toMatchObject({ status: "refunded", refunded_amount_cents: 1000, total_amount_cents: 1000 })

    const more = await refund(id, 0.01)
    expect(more.status).toBe(422)
    expect(errorOf(more).message).toMatch(/already fully refunded/)

    const [record] = await controlPayments(env.sandbox)
    expect(record.refunds).toEqual([
      expect.objectContaining({ amount: "3.00", reason: "customer asked" }),
      expect.objectContaining({ amount: "7.00", reason: "customer asked" }),
    ])
  })

  it("refunds the whole amount at once", async () => {
    const id = await paidCheckout(25.5)
    expect((await refund(id, 25.5)).status).toBe(201)
    expect(await payment(id)).toMatchObject({ status: "refunded", refunded_amount_cents: 2550 })
  })

  it("caps refunds at what was really paid (an underpayment)", async () => {
    const id = await paidCheckout(10, 8)
    expect(await payment(id)).toMatchObject({ amount_cents: 1000, total_amount_cents: 800 })
    expect((await refund(id, 8.01)).status).toBe(422)
    expect((await refund(id, 8)).status).toBe(201)
  })

  it.each([
    [0, /at least 0.01/],
    [-1, /negative/],
    [1.005, /more than two decimals/],
    [undefined, /amount field is required/],
  ])("refuses a refund amount of %p with 422", async (amount, message) => {
    const id = await paidCheckout(10)
    const reply = await refund(id, amount)
    expect(reply.status).toBe(422)
    expect(String(errorOf(reply).errors?.amount)).toMatch(message)
  })

  it("answers 404 for another merchant's payment, before looking at the body", async () => {
    const id = await paidCheckout(10)
    const reply = await refund(id, "garbage", bearer(OTHER))
    expect(reply.status).toBe(404)
  })

  it("keeps a balance of what was received and refunded, per merchant", async () => {
    expect(await balance()).toEqual({ received_total: 0, refunded_total: 0, available_ledger: 0 })
    const a = await paidCheckout(10)
    await paidCheckout(5.25)
    await openCheckout(env.sandbox, { amount: 100 })
    await refund(a, 2.5)
    const reply = await call(env.sandbox, "GET", `${API}/balance`)
    expect(reply.json).toEqual({ received_total: "15.25", refunded_total: "2.50", available_ledger: "12.75" })
    expect(await balance(bearer(OTHER))).toEqual({ received_total: 0, refunded_total: 0, available_ledger: 0 })
  })
})
