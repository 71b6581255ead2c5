import { answerCents, centsToWireAmount, formatCents, GatewayInputError, MAX_CENTS, toCents } from "../../src/gateway"

describe("money as integer cents", () => {
  it.each([
    ["10.50", 1050],
    ["10.5", 1050],
    [10.5, 1050],
    [10.5 * 1, 1050],
    ["0.01", 1],
    [" 7 ", 700],
    ["007.05", 705],
    [0.29, 29],
    [1.13, 113],
    [4.35, 435],
  ])("toCents(%p) = %p", (input, cents) => {
    expect(toCents(input)).toBe(cents)
  })

  it("agrees with itself across the three spellings of the same amount", () => {
    expect(new Set([toCents("10.50"), toCents(10.5), 1050]).size).toBe(1)
    expect(formatCents(toCents(10.5))).toBe("10.50")
    expect(centsToWireAmount(1050)).toBe(10.5)
  })

  it.each([
    ["10.505", /more than two decimals/],
    [10.505, /more than two decimals/],
    [0.1 + 0.2, /more than two decimals/],
    ["-1.00", /negative/],
    [-1, /negative/],
    [Number.NaN, /finite/],
    [Number.POSITIVE_INFINITY, /finite/],
    [1e21, /out of range/],
    ["99999999999.00", /larger than/],
    ["abc", /not a dollar amount/],
    ["", /not a dollar amount/],
    ["1,00", /not a dollar amount/],
    [".5", /not a dollar amount/],
  ])("refuses %p with a clear message", (input, message) => {
    expect(() => toCents(input as string | number)).toThrow(GatewayInputError)
    expect(() => toCents(input as string | number)).toThrow(message)
  })

  it("names the field in the message", () => {
    expect(() => toCents("1.234", "refund amount")).toThrow(/^refund amount 1\.234/)
  })

  it("refuses amounts above the ceiling and non-integers as cents", () => {
    expect(() => centsToWireAmount(MAX_CENTS + 1)).toThrow(/larger than the gateway accepts/)
    expect(() => centsToWireAmount(10.5)).toThrow(/whole number of cents/)
    expect(formatCents(5)).toBe("0.05")
    expect(formatCents(100000)).toBe("1000.00")
  })
})

describe("amounts the gateway answers with more than two decimals", () => {
  it.each([
    ["10.500000", 1050],
    ["10.504999", 1050],
    ["10.505", 1051],
    ["0.004999", 0],
    ["0.005", 1],
    ["10.5", 1050],
    [10.125, 1013],
  ])("answerCents(%p) = %p (nearest cent, half up)", (input, cents) => {
    expect(answerCents(input)).toBe(cents)
  })

  it("never finds a false underpayment: equal wire amounts are equal cents, and a sub-cent shortfall is none", () => {
    expect(answerCents("10.500001")).toBe(answerCents("10.500000"))
    expect(answerCents("10.499999")).toBe(1050)
  })

  it("still refuses what is not an amount", () => {
    expect(() => answerCents("-1.000000")).toThrow(/negative/)
    expect(() => answerCents("1,000000")).toThrow(/not a dollar amount/)
  })
})
