import { createSessionRequestRate } from "../../src/api/store/session-request-rate"

describe("a cart's share of session requests a minute", () => {
  it("allows the share, refuses the next with the time until the oldest leaves the window, and counts carts apart", () => {
    const rate = createSessionRequestRate(60_000)
    const start = 1_000_000
    for (let i = 0; i < 3; i++) expect(rate.take("pay_col_a", 3, start + i * 1_000)).toEqual({ allowed: true })
    expect(rate.take("pay_col_a", 3, start + 5_000)).toEqual({ allowed: false, retryAfterMs: 55_000 })
    expect(rate.take("pay_col_b", 3, start + 5_000)).toEqual({ allowed: true })
    // A refusal is not counted: once the oldest request is a minute old, one more is allowed.
    expect(rate.take("pay_col_a", 3, start + 60_001)).toEqual({ allowed: true })
    expect(rate.take("pay_col_a", 3, start + 60_002)).toEqual({ allowed: false, retryAfterMs: 998 })
  })
})
