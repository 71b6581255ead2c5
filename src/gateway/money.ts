/**
 * Money is handled as integer US cents end to end. The gateway speaks US dollars (settled in
 * USDT 1:1) as JSON numbers in requests and decimal strings in responses; these helpers are
 * the only place where one becomes the other, and they never go through binary floats'
 * arithmetic.
 */
import { GatewayInputError } from "./errors"

/** An amount in US cents: a non-negative safe integer. */
export type Cents = number

/** Largest amount accepted: ten million dollars. Anything above is treated as a mistake. */
export const MAX_CENTS: Cents = 1_000_000_000

const DECIMAL = /^(\d+)(?:\.(\d{1,2}))?$/
const ANY_DECIMALS = /^(\d+)(?:\.(\d+))?$/

/**
 * Parses a dollar amount given as a decimal string ("10.50") or a number (10.5) into cents.
 * Refuses negatives, NaN, Infinity, more than two decimals and absurd sizes with a message
 * that names the field and the value.
 */
export function toCents(amount: string | number, field = "amount"): Cents {
  let text: string
  if (typeof amount === "number") {
    if (!Number.isFinite(amount)) {
      throw new GatewayInputError(`${field} must be a finite number of dollars, got ${amount}`, field)
    }
    // Shortest round-trip representation: 10.5 -> "10.5", 0.1 + 0.2 -> "0.30000000000000004".
    text = String(amount)
    if (/e/i.test(text)) {
      throw new GatewayInputError(`${field} ${text} is out of range`, field)
    }
  } else if (typeof amount === "string") {
    text = amount.trim()
  } else {
    throw new GatewayInputError(`${field} must be a number or a decimal string`, field)
  }
  if (text.startsWith("-")) {
    throw new GatewayInputError(`${field} must not be negative, got ${text}`, field)
  }
  const match = DECIMAL.exec(text)
  if (!match) {
    const decimals = /^\d+\.(\d+)$/.exec(text)
    if (decimals) {
      throw new GatewayInputError(
        `${field} ${text} has more than two decimals; the gateway takes whole cents`,
        field
      )
    }
    throw new GatewayInputError(`${field} ${JSON.stringify(text)} is not a dollar amount`, field)
  }
  const whole = match[1]
  const fraction = (match[2] ?? "").padEnd(2, "0")
  if (whole.replace(/^0+/, "").length > 10) {
    throw new GatewayInputError(`${field} ${text} is larger than the gateway accepts`, field)
  }
  const cents = Number(whole) * 100 + Number(fraction)
  return assertCents(cents, field)
}

/**
 * THE rule for an amount the gateway *answers* with more than two decimals (USDT has six):
 * it is rounded to the nearest cent, half up, as a decimal string and never through floats.
 * "10.500000" is 1050, "10.504999" is 1050, "10.505" is 1051. Every answer amount (asked,
 * paid, refunded) goes through this one rule, so two equal wire amounts are always equal
 * cents, and an underpayment is only ever found when the rounded paid amount is a whole cent
 * short of the asked one (a shortfall of half a cent or more): a sub-cent difference is never
 * an underpayment. Requests stay strict (`toCents`): at most two decimals are ever sent.
 */
export function answerCents(amount: string | number, field = "amount"): Cents {
  const text = typeof amount === "number" ? (Number.isFinite(amount) ? String(amount) : "") : String(amount).trim()
  const match = ANY_DECIMALS.exec(text)
  if (!match || (match[2] ?? "").length <= 2) return toCents(amount, field)
  const fraction = match[2]
  const cents = toCents(`${match[1]}.${fraction.slice(0, 2)}`, field)
  return assertCents(cents + (Number(fraction[2]) >= 5 ? 1 : 0), field)
}

/** Checks that a value is a whole, non-negative, sane number of cents. */
export function assertCents(cents: number, field = "amount"): Cents {
  if (!Number.isSafeInteger(cents)) {
    throw new GatewayInputError(`${field} must be a whole number of cents, got ${cents}`, field)
  }
  if (cents < 0) {
    throw new GatewayInputError(`${field} must not be negative, got ${cents} cents`, field)
  }
  if (cents > MAX_CENTS) {
    throw new GatewayInputError(
      `${field} ${formatCents(cents)} is larger than the gateway accepts (at most ${formatCents(MAX_CENTS)})`,
      field
    )
  }
  return cents
}

/** 1050 -> "10.50", the gateway's decimal-string form. */
export function formatCents(cents: Cents): string {
  const sign = cents < 0 ? "-" : ""
  const abs = Math.abs(cents)
  const whole = Math.floor(abs / 100)
  const fraction = String(abs % 100).padStart(2, "0")
  return `${sign}${whole}.${fraction}`
}

/**
 * The JSON number the gateway expects in a request body. Division of an integer by 100 is
 * exact in its decimal rendering (1050 / 100 === 10.5), so the wire value is the same amount.
 */
export function centsToWireAmount(cents: Cents): number {
  return Number(formatCents(assertCents(cents)))
}
