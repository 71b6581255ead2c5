import { PaymentSessionStatus } from "@medusajs/framework/utils"
import { answerBetweenPolls, pendingWithoutSlot } from "../../src/providers/usdt/poll-budget"

describe("a poll whose turn found no budget slot", () => {
  const now = Date.parse("2026-11-30T12:00:00Z")

  it("answers pending and counts its turn as taken: the polls of the next interval answer from the data", () => {
    const answer = pendingWithoutSlot({ session_id: "payses_1", checkout_url: "https://gw.example/c/1" }, now)
    expect(answer).toEqual({ status: PaymentSessionStatus.PENDING, data: { session_id: "payses_1", checkout_url: "https://gw.example/c/1", checked_at: new Date(now).toISOString() } })
    expect(answerBetweenPolls(answer.data, now + 14_000, 15_000)).toEqual({ status: PaymentSessionStatus.PENDING, data: answer.data })
    expect(answerBetweenPolls(answer.data, now + 15_000, 15_000)).toBeUndefined()
  })
})
