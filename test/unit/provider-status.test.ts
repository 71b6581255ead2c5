import { PaymentSessionStatus } from "@medusajs/framework/utils"
import { paymentSchema } from "../../src/gateway"
import { recordFlag } from "../../src/providers/usdt/session-data"
import { assessGatewayPayment } from "../../src/providers/usdt/status"

const record = (fields: Record<string, unknown>) => paymentSchema.parse({ id: 7, status: "completed", amount: "10.50", note: "payses_1", ...fields })
const session = { amountCents: 1050 }

describe("the provider's reading of a gateway record", () => {
  it("takes a status it does not know as not paid, flags it for review, and never throws", () => {
    const assessment = assessGatewayPayment(record({ status: "awaiting_confirmation", total_amount: null }), session)
    expect(assessment).toEqual({ status: PaymentSessionStatus.PENDING, flags: [{ kind: "unknown_status", gatewayPaymentId: 7, status: "awaiting_confirmation" }] })
    const data = assessment.flags.reduce<Record<string, unknown>>((out, flag) => recordFlag(out, flag), {})
    expect(data).toMatchObject({ needs_review: true, flags: { unknown_status: { gateway_payment_id: 7, status: "awaiting_confirmation" } } })
  })

  it.each([
    ["completed", PaymentSessionStatus.CAPTURED],
    ["partially_refunded", PaymentSessionStatus.CAPTURED],
    ["pending", PaymentSessionStatus.PENDING],
    ["expired", PaymentSessionStatus.CANCELED],
  ])("maps %p to %p", (status, expected) => {
    expect(assessGatewayPayment(record({ status }), session).status).toBe(expected)
  })

  it("never finds a sub-cent shortfall an underpayment (six decimals, rounded half up)", () => {
    expect(assessGatewayPayment(record({ amount: "10.500000", total_amount: "10.495000" }), session).status).toBe(PaymentSessionStatus.CAPTURED)
    expect(assessGatewayPayment(record({ total_amount: "10.494999" }), session).status).toBe(PaymentSessionStatus.REQUIRES_MORE)
  })
})
