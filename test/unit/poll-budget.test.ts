import { PaymentSessionStatus } from "@medusajs/framework/utils"
import { answerBetweenPolls, checkReasonOf, confirmationContext, withCheckTime } from "../../src/providers/usdt/poll-budget"

describe("why the provider is asked", () => {
  it("a confirmation names the record it saw; webhooks come first, reconciliation last", () => {
    expect(checkReasonOf({ idempotency_key: "payses_1", ...confirmationContext(42, "webhook") })).toEqual({ kind: "confirmation", recordId: 42, priority: "confirm" })
    expect(checkReasonOf(confirmationContext(7, "reconcile"))).toEqual({ kind: "confirmation", recordId: 7, priority: "reconcile" })
  })

  it.each([
    ["no context", undefined],
    ["Medusa's own context", { idempotency_key: "payses_1" }],
    ["a record id that is not a positive integer", { usdt_gateway_record_id: "42", usdt_confirmed_by: "webhook" }],
    ["an unknown source", { usdt_gateway_record_id: 42, usdt_confirmed_by: "storefront" }],
  ])("anything else is a storefront poll: %s", (_, context) => {
    expect(checkReasonOf(context)).toEqual({ kind: "poll" })
  })
})

describe("a storefront poll between two asks", () => {
  const now = Date.parse("2026-11-30T12:00:00Z")
  const asked = (msAgo: number, extra: Record<string, unknown> = {}) => withCheckTime({ session_id: "payses_1", ...extra }, now - msAgo)

  it("the first poll asks", () => {
    expect(answerBetweenPolls({ session_id: "payses_1" }, now, 15_000)).toBeUndefined()
  })

  it("inside the interval it answers pending from the data, unchanged", () => {
    const data = asked(5_000)
    expect(answerBetweenPolls(data, now, 15_000)).toEqual({ status: PaymentSessionStatus.PENDING, data })
  })

  it("once the interval passed it asks again", () => {
    expect(answerBetweenPolls(asked(15_000), now, 15_000)).toBeUndefined()
  })

  it("an underpaid session stays requires_more in between", () => {
    expect(answerBetweenPolls(asked(1_000, { flags: { underpaid: { at: "x" } } }), now, 15_000)?.status).toBe(PaymentSessionStatus.REQUIRES_MORE)
  })

  it("data that says paid is confirmed with the gateway, not answered from memory", () => {
    expect(answerBetweenPolls(asked(1_000, { gateway_status: "completed" }), now, 15_000)).toBeUndefined()
  })

  it("a check time in the future (a clock jump, a forged value) does not silence the polls", () => {
    expect(answerBetweenPolls(asked(-60_000), now, 15_000)).toBeUndefined()
  })
})
