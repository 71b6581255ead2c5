import { gatewayPaymentsOf } from "../../src/refunds/order-payment"
import type { RefundLedgerRecord } from "../../src/modules/usdt-gateway/refund-ledger"
import { recordFlag } from "../../src/providers/usdt/session-data"
import { type LedgerRowFields, refundLedgerRow } from "../fixtures/refund-ledger-row"

const at = new Date("2026-03-24T12:00:00Z")

const ledgerRow = (fields: LedgerRowFields): RefundLedgerRecord => refundLedgerRow({ payment_id: "pay_1", ...fields }, at)

/** Session data as the provider writes it: opened, then paid short (a `refunds` list in the data, as old versions wrote it, is not read). */
function recordedData(): Record<string, unknown> {
  let data: Record<string, unknown> = {
    session_id: "payses_1",
    checkout_url: "http://127.0.0.1:4010/checkout?cs=abc",
    expires_at: "2026-03-24T12:30:00Z",
    amount_cents: 1050,
    gateway_payment_id: 42,
    gateway_status: "partially_refunded",
    paid_amount: "10.00",
  }
  data = recordFlag(data, { kind: "underpaid", gatewayPaymentId: 42, expectedCents: 1050, paidCents: 1000 }, at)
  return { ...data, refunds: [{ refund_id: "rf_forged", status: "completed", amount: "9.00", at: at.toISOString() }] }
}

describe("the order widget's view of a USDT payment", () => {
  it("shows the record id, amounts, status and flags the provider recorded on the payment, and its refunds from the ledger", () => {
    const ledger = [
      ledgerRow({ id: "usdtref_1", status: "completed", amount_cents: 250, gateway_refund_id: "rf_7", medusa_refund_id: "ref_1" }),
      ledgerRow({ id: "usdtref_2", status: "uncertain", amount_cents: 100, medusa_refund_id: "ref_gone", message: "no answer" }),
      ledgerRow({ id: "usdtref_other", status: "completed", amount_cents: 999, gateway_payment_id: "77" }),
    ]
    const [payment] = gatewayPaymentsOf(
      {
        id: "paycol_1",
        currency_code: "usd",
        payment_sessions: [{ id: "payses_1", provider_id: "pp_usdt_usdt", status: "authorized", data: { amount_cents: 1050 } }],
        payments: [{ id: "pay_1", provider_id: "pp_usdt_usdt", payment_session_id: "payses_1", captured_at: at, data: recordedData(), refunds: [{ id: "ref_1" }] }],
      },
      ledger
    )
    expect(payment).toMatchObject({
      payment_collection_id: "paycol_1",
      payment_id: "pay_1",
      payment_session_id: "payses_1",
      payment_record_id: 42,
      currency_code: "usd",
      amount_asked: "10.50",
      amount_paid: "10.00",
      status: "partially_refunded",
      captured: true,
      needs_review: true,
      refunds: [
        { id: "usdtref_1", kind: "refund", status: "completed", amount: "2.50", refund_id: "rf_7", in_medusa: true, message: null, at },
        { id: "usdtref_2", kind: "refund", status: "uncertain", amount: "1.00", refund_id: null, in_medusa: false, message: "no answer", at },
      ],
      has_uncertain_refund: true,
      excess_refundable: null,
      flags: [{ kind: "underpaid", at: at.toISOString(), details: { gateway_payment_id: 42, expected: "10.50", paid: "10.00", shortfall: "0.50" } }],
    })
  })

  it("an overpayment shows the excess left to refund, less what was already refunded as excess", () => {
    const data = { session_id: "payses_1", amount_cents: 1550, gateway_payment_id: 42, paid_amount: "20.00" }
    const collection = { id: "paycol_5", currency_code: "usd", payments: [{ id: "pay_1", provider_id: "pp_usdt_usdt", payment_session_id: "payses_1", data }] }
    expect(gatewayPaymentsOf(collection)[0]).toMatchObject({ excess_refundable: "4.50", has_uncertain_refund: false, refunds: [] })
    const excess = ledgerRow({ id: "usdtref_x", kind: "excess", status: "completed", amount_cents: 450 })
    expect(gatewayPaymentsOf(collection, [excess])[0]).toMatchObject({ excess_refundable: null, refunds: [expect.objectContaining({ kind: "excess", in_medusa: false })] })
  })

  it("falls back to the session before authorization, and ignores other providers", () => {
    const entries = gatewayPaymentsOf({
      id: "paycol_2",
      currency_code: "usd",
      payment_sessions: [
        { id: "payses_other", provider_id: "pp_system_default", status: "pending", data: {} },
        { id: "payses_2", provider_id: "pp_usdt_usdt", status: "pending", data: { amount_cents: 500, expires_at: "2026-03-24T12:30:00Z" } },
      ],
      payments: [{ id: "pay_other", provider_id: "pp_system_default", data: {} }],
    })
    expect(entries).toEqual([
      expect.objectContaining({ payment_id: null, payment_session_id: "payses_2", payment_record_id: null, amount_asked: "5.00", amount_paid: null, status: "pending", captured: false, flags: [], refunds: [] }),
    ])
  })

  it("shows nothing for an order paid otherwise, and drops a field of the wrong shape", () => {
    expect(gatewayPaymentsOf({ id: "paycol_3", payments: [], payment_sessions: [{ id: "s", provider_id: "pp_stripe_stripe", data: {} }] })).toEqual([])
    const [entry] = gatewayPaymentsOf({
      id: "paycol_4",
      payments: [{ id: "pay_4", provider_id: "pp_usdt_usdt", data: { gateway_payment_id: "not-a-number", paid_amount: "3.00" } }],
    })
    expect(entry).toMatchObject({ payment_record_id: null, amount_paid: "3.00" })
  })
})
