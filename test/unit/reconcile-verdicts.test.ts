import { type Payment, paymentSchema } from "../../src/gateway"
import { medusaOwner, verdictOfCompletion } from "../../src/reconcile/medusa-verdicts"
import { assessListedPayment, type SessionFacts } from "../../src/reconcile/verdicts"
import type { UsdtCompletionOutcome } from "../../src/completion/complete-usdt-payment"

const PROVIDER = "pp_usdt_usdt"
const OWNER = medusaOwner(PROVIDER)

function payment(fields: Record<string, unknown> = {}): Payment {
  return paymentSchema.parse({ id: 42, status: "completed", amount: "15.50", total_amount: "15.50", currency: "USD", note: "payses_01ABC", ...fields })
}

function facts(fields: Partial<SessionFacts> = {}): SessionFacts {
  return { id: "payses_01ABC", provider_id: PROVIDER, status: "pending", underpaid: false, amount_cents: 1550, captured: false, refunded_cents: 0, canceled: false, ...fields }
}

const kinds = (decision: ReturnType<typeof assessListedPayment>) => (decision.kind === "done" ? decision.verdict.discrepancies.map((d) => d.kind) : ["settle"])

describe("assessListedPayment", () => {
  it("settles a paid payment whose session is ours and not captured", () => {
    const decision = assessListedPayment(payment(), facts(), OWNER)
    expect(decision).toEqual({ kind: "settle", facts: facts() })
    expect(assessListedPayment(payment({ status: "partially_refunded", refunded_amount: "5.00" }), facts(), OWNER).kind).toBe("settle")
    // A session Medusa canceled still goes through the completion path (the provider flags it).
    expect(assessListedPayment(payment(), facts({ status: "canceled", canceled: true }), OWNER).kind).toBe("settle")
  })

  it("leaves a captured payment alone when it matches", () => {
    const decision = assessListedPayment(payment(), facts({ captured: true, status: "authorized" }), OWNER)
    expect(decision).toEqual({ kind: "done", verdict: { gateway_payment_id: 42, action: "in_sync", discrepancies: [] } })
  })

  it.each<[string, Record<string, unknown>, Partial<SessionFacts> | null, string[]]>([
    ["no note", { note: null }, null, ["unknown_note"]],
    ["a note that is no session id", { note: "order-77" }, null, ["unknown_note"]],
    ["another provider's session", {}, { provider_id: "pp_system_default" }, ["unknown_note"]],
    ["refunded in full before the store saw it", { status: "refunded", refunded_amount: "15.50" }, {}, ["refund_not_in_medusa"]],
    ["already assessed as underpaid", { total_amount: "10.00" }, { status: "requires_more", underpaid: true }, ["amount_mismatch"]],
    ["captured and overpaid", { total_amount: "20.00" }, { captured: true }, ["amount_mismatch"]],
    ["captured, refunded at the gateway only", { status: "partially_refunded", refunded_amount: "5.00" }, { captured: true, refunded_cents: 200 }, ["refund_not_in_medusa"]],
    ["captured, refunds agree", { status: "partially_refunded", refunded_amount: "5.00" }, { captured: true, refunded_cents: 500 }, []],
    [
      "captured, overpaid, its excess refunded from the order's USDT panel",
      { status: "partially_refunded", total_amount: "20.00", refunded_amount: "6.50" },
      { captured: true, refunded_cents: 200, excess_refunded_cents: 450 },
      ["amount_mismatch"],
    ],
    ["captured after a cancel", {}, { captured: true, canceled: true }, ["paid_after_abandon"]],
  ])("reports %s", (_, paymentFields, factFields, expected) => {
    const decision = assessListedPayment(payment(paymentFields), factFields === null ? null : facts(factFields), OWNER)
    expect(kinds(decision)).toEqual(expected)
    if (decision.kind === "done") {
      for (const discrepancy of decision.verdict.discrepancies) {
        expect(discrepancy.gateway_payment_id).toBe(42)
        expect(discrepancy.message.length).toBeGreaterThan(10)
      }
    }
  })

  it("a deleted session's payment goes to the completion path (its checkout record may name the cart)", () => {
    expect(assessListedPayment(payment(), null, OWNER)).toMatchObject({ kind: "settle", facts: { id: "payses_01ABC", captured: false, canceled: false } })
  })

  it("a deleted session whose payment was refunded in full needs nothing", () => {
    expect(assessListedPayment(payment({ status: "refunded", refunded_amount: "15.50" }), null, OWNER)).toMatchObject({ kind: "done", verdict: { action: "in_sync", discrepancies: [] } })
  })

  it("never advises recording a gateway-only refund in a way that pays out again", () => {
    const decision = assessListedPayment(payment({ status: "partially_refunded", refunded_amount: "5.00" }), facts({ captured: true }), OWNER)
    const message = decision.kind === "done" ? decision.verdict.discrepancies[0].message : ""
    expect(message).toMatch(/5\.00 USD already went back to the customer/)
    expect(message).toMatch(/Do not refund it again with the order's Refund button/)
    expect(message).toMatch(/Check refunds with the gateway/)
    expect(message).not.toMatch(/record the refund of/i)
  })

  it("points an overpayment at the order's excess refund", () => {
    const decision = assessListedPayment(payment({ total_amount: "20.00" }), facts({ captured: true }), OWNER)
    expect(decision.kind === "done" && decision.verdict.discrepancies[0].message).toMatch(/"Refund the excess" in the order's USDT panel/)
  })

  it("states the amounts in a mismatch", () => {
    const decision = assessListedPayment(payment({ total_amount: "20.00" }), facts({ captured: true }), OWNER)
    expect(decision.kind === "done" && decision.verdict.discrepancies[0].message).toMatch(/paid 20\.00 USD for 15\.50 USD asked \(overpaid by 4\.50 USD\)/)
  })
})

describe("verdictOfCompletion", () => {
  const result = (outcome: UsdtCompletionOutcome, extra: Record<string, string> = {}) => ({ outcome, source: "reconcile" as const, gateway_payment_id: 42, payment_session_id: "payses_01ABC", ...extra })

  it.each<[UsdtCompletionOutcome, string, string[]]>([
    ["completed", "healed", []],
    ["already_completed", "in_sync", []],
    ["underpaid", "reported", ["amount_mismatch"]],
    ["unknown_note", "reported", ["unknown_note"]],
    ["session_not_found", "reported", ["paid_after_abandon"]],
    ["cart_already_ordered", "reported", ["paid_after_abandon"]],
    ["cart_completion_failed", "reported", ["completion_failed"]],
    ["paid_no_order", "reported", ["paid_no_order"]],
    ["wrong_currency", "reported", ["amount_mismatch"]],
    ["not_paid", "failed", []],
    ["foreign_merchant", "failed", []],
    ["ignored_event", "failed", []],
  ])("%s → %s", (outcome, action, expected) => {
    const verdict = verdictOfCompletion(payment(), facts(), result(outcome, { detail: "why" }))
    expect(verdict.action).toBe(action)
    expect(verdict.discrepancies.map((d) => d.kind)).toEqual(expected)
    if (action === "failed") expect(verdict.failure).toMatch(new RegExp(`${outcome}: why`))
  })

  it("a healed payment still reports what the capture cannot fix: overpaid, refunded at the gateway, paid after a cancel", () => {
    const verdict = verdictOfCompletion(
      payment({ status: "partially_refunded", total_amount: "16.00", refunded_amount: "0.50" }),
      facts({ canceled: true }),
      result("completed", { order_id: "order_1" })
    )
    expect(verdict.action).toBe("healed")
    expect(verdict.discrepancies.map((d) => d.kind)).toEqual(["amount_mismatch", "refund_not_in_medusa", "paid_after_abandon"])
  })

  it("a discrepancy of a refused completion carries the order it concerns", () => {
    const verdict = verdictOfCompletion(payment(), facts(), result("cart_already_ordered", { order_id: "order_9", detail: "ordered without this payment" }))
    expect(verdict.discrepancies).toEqual([
      { kind: "paid_after_abandon", gateway_payment_id: 42, payment_session_id: "payses_01ABC", order_id: "order_9", message: "ordered without this payment" },
    ])
  })
})
