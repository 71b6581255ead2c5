/**
 * Properties of the money helpers (fast-check): every cents value the gateway accepts survives
 * formatting and parsing in both of its wire forms, and nothing else parses.
 */
import fc from "fast-check"
import { assertCents, centsToWireAmount, formatCents, GatewayInputError, MAX_CENTS, toCents } from "../../src/gateway"

const cents = fc.integer({ min: 0, max: MAX_CENTS })

describe("money properties", () => {
  it("formatCents → toCents is the identity for every cents value", () => {
    fc.assert(fc.property(cents, (value) => toCents(formatCents(value)) === value), { numRuns: 20_000 })
  })

  it("the JSON number on the wire parses back to the same cents", () => {
    fc.assert(fc.property(cents, (value) => toCents(centsToWireAmount(value)) === value), { numRuns: 20_000 })
  })

  it("every cents value from 0 to 1,000.00 USD, exhaustively, round-trips in both wire forms", () => {
    const broken: number[] = []
    for (let value = 0; value <= 100_000; value++) {
      if (toCents(formatCents(value)) !== value || toCents(centsToWireAmount(value)) !== value) broken.push(value)
    }
    expect(broken).toEqual([])
  })

  it("the formatted form always has exactly two decimals and no sign", () => {
    fc.assert(fc.property(cents, (value) => /^\d+\.\d{2}$/.test(formatCents(value))), { numRuns: 5_000 })
  })

  it("the edges of the range: 0, 1 cent, MAX_CENTS, and one past it is refused", () => {
    for (const value of [0, 1, 99, 100, MAX_CENTS - 1, MAX_CENTS]) expect(toCents(formatCents(value))).toBe(value)
    expect(() => toCents(formatCents(MAX_CENTS + 1))).toThrow(GatewayInputError)
  })

  it("toCents on any string or number either gives valid cents or throws GatewayInputError, never anything else", () => {
    const input = fc.oneof(fc.string(), fc.double(), fc.integer(), fc.stringMatching(/^-?\d{0,12}(\.\d{0,4})?$/))
    fc.assert(
      fc.property(input, (value) => {
        try {
          const parsed = toCents(value)
          return assertCents(parsed) === parsed
        } catch (error) {
          return error instanceof GatewayInputError
        }
      }),
      { numRuns: 5_000 }
    )
  })

  it("a decimal string with up to two decimals parses to whole·100 + fraction exactly", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 9_999_999 }), fc.integer({ min: 0, max: 99 }), fc.boolean(), (whole, fraction, oneDigit) => {
        const text = oneDigit && fraction % 10 === 0 ? `${whole}.${fraction / 10}` : `${whole}.${String(fraction).padStart(2, "0")}`
        return toCents(text) === whole * 100 + fraction
      }),
      { numRuns: 10_000 }
    )
  })
})
