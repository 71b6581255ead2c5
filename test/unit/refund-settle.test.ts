import { GatewayServerError, GatewayTimeoutError, type Payment, paymentSchema } from "../../src/gateway"
import type { RefundLedgerRecord } from "../../src/modules/usdt-gateway/refund-ledger"
import { assertRefundable } from "../../src/modules/usdt-gateway/refund-ledger"
import { saysNotCarriedOut } from "../../src/providers/usdt/refund"
import { decideSettlement, UNCERTAIN_REFUND_GRACE_MS } from "../../src/refunds/refund-settle"
import { type LedgerRowFields, refundLedgerRow } from "../fixtures/refund-ledger-row"

const NOW = Date.parse("2026-11-30T12:00:00Z")

const row = (fields: LedgerRowFields): RefundLedgerRecord => refundLedgerRow(fields, new Date(NOW - 60_000))

function gateway(refunded: string, extra: Record<string, unknown> = {}): Payment {
  return paymentSchema.parse({ id: 42, status: "partially_refunded", amount: "15.50", total_amount: "15.50", currency: "USD", note: "payses_1", refunded_amount: refunded, ...extra })
}

describe("decideSettlement", () => {
  it("an uncertain refund the gateway's refunded_amount shows becomes completed", () => {
    const rows = [row({ id: "a", status: "completed", amount_cents: 200, gateway_refund_id: "7" }), row({ id: "b", status: "uncertain", amount_cents: 500 })]
    expect(decideSettlement(rows, gateway("7.00"), NOW)).toEqual({ updates: [expect.objectContaining({ id: "b", status: "completed", gateway_refund_id: null })], unexplainedCents: 0 })
  })

  it("stays uncertain while it may still land, and is not made once the grace period is over", () => {
    const fresh = row({ id: "b", status: "uncertain", amount_cents: 500 })
    expect(decideSettlement([fresh], gateway("0.00"), NOW)).toEqual({ updates: [], unexplainedCents: 0 })
    const old = row({ id: "b", status: "uncertain", amount_cents: 500, created_at: new Date(NOW - UNCERTAIN_REFUND_GRACE_MS - 1) })
    expect(decideSettlement([old], gateway("0.00"), NOW).updates).toEqual([expect.objectContaining({ id: "b", status: "not_made" })])
  })

  it("matches by the gateway's refund list when its record carries one, and reports the rest as unexplained", () => {
    const rows = [row({ id: "a", status: "completed", amount_cents: 200, gateway_refund_id: "7" }), row({ id: "b", status: "uncertain", amount_cents: 500 })]
    const listed = gateway("10.00", { refunds: [{ refund_id: 7, amount: "2.00" }, { refund_id: 9, amount: "3.00" }, { refund_id: 8, amount: "5.00" }] })
    expect(decideSettlement(rows, listed, NOW)).toEqual({ updates: [expect.objectContaining({ id: "b", status: "completed", gateway_refund_id: "8" })], unexplainedCents: 300 })
  })

  it("what the gateway refunded beyond the ledger, with nothing open, is unexplained", () => {
    expect(decideSettlement([row({ id: "a", status: "completed", amount_cents: 200 })], gateway("5.00"), NOW)).toEqual({ updates: [], unexplainedCents: 300 })
  })
})

describe("assertRefundable", () => {
  it("refuses while an earlier refund is unsettled, and past what was paid", () => {
    expect(() => assertRefundable([row({ id: "a", status: "uncertain", amount_cents: 500 })], 100, 1550)).toThrow(/earlier refund of 5\.00 USD.*no answer/)
    expect(() => assertRefundable([row({ id: "a", status: "completed", amount_cents: 1500 })], 100, 1550)).toThrow(/at most 0\.50 USD/)
    expect(() => assertRefundable([row({ id: "a", status: "not_made", amount_cents: 1500 })], 1550, 1550)).not.toThrow()
  })
})

describe("saysNotCarriedOut", () => {
  it.each<[string, unknown, boolean]>([
    ["the sandbox's words", { message: "Bad Gateway: injected fault (api_error_rate); the call was not carried out." }, true],
    ["an explicit flag", { carried_out: false }, true],
    ["a plain 500", { message: "Internal Server Error" }, false],
    ["no body", "", false],
  ])("%s", (_, raw, expected) => {
    expect(saysNotCarriedOut(new GatewayServerError("failed", { status: 502, raw }))).toBe(expected)
  })

  it("a timeout never says so", () => {
    expect(saysNotCarriedOut(new GatewayTimeoutError("timed out"))).toBe(false)
  })
})
