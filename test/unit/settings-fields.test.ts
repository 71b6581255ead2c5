import { readDeliveryFields } from "../../src/modules/usdt-gateway/delivery-fields"
import { maskSecret } from "../../src/modules/usdt-gateway/masking"

const secret = "pk_live_9f8e7d6c5b4a39281706"

describe("masking and delivery fields", () => {
  it("shows only the last 4 characters, and nothing of a short secret", () => {
    expect(maskSecret(secret)).toEqual({ is_set: true, last4: "1706" })
    expect(maskSecret("short_key")).toEqual({ is_set: true, last4: null })
    expect(maskSecret(null)).toEqual({ is_set: false, last4: null })
  })

  it("reads the non-secret fields of a body, leniently", () => {
    const body = JSON.stringify({ event: "payment.completed", merchant_id: 7, amount: "10.00", total_amount: "10.50", currency: "USD", note: "ps_1", payment_record_id: 42 })
    expect(readDeliveryFields(body)).toEqual({
      event: "payment.completed",
      payment_record_id: "42",
      merchant_id: "7",
      note: "ps_1",
      amount: "10.50",
      currency: "USD",
    })
    expect(readDeliveryFields("not json")).toEqual({ event: null, payment_record_id: null, merchant_id: null, note: null, amount: null, currency: null })
    expect(readDeliveryFields("[1,2]").event).toBeNull()
  })
})
