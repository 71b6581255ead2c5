/**
 * Date bounds of the payments list's `from` and `to`, as the contract reads them: an ISO 8601
 * date (`2026-03-24`) or date-time (`2026-03-24T12:00:00Z`, optional offset, UTC without
 * one), read at the precision it was written in, so that a `to` equal to a shown created_at
 * includes that record (`to` is inclusive of everything its value denotes).
 */
import { z } from "zod"

const DAY_MS = 86_400_000
const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/
const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+\- ]\d{2}:?\d{2})?$/i

function utcDate(year: number, month: number, day: number): number | null {
  const ms = Date.UTC(year, month - 1, day)
  const date = new Date(ms)
  const real = date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day
  return real ? ms : null
}

function offsetMs(zone: string | undefined): number | null {
  if (!zone || zone.toUpperCase() === "Z") return 0
  // A "+" left unencoded in a query string arrives as a space: read it as "+".
  const sign = zone[0] === "-" ? -1 : 1
  const digits = zone.slice(1).replace(":", "")
  const hours = Number(digits.slice(0, 2))
  const minutes = Number(digits.slice(2, 4))
  if (hours > 23 || minutes > 59) return null
  return sign * (hours * 60 + minutes) * 60_000
}

export interface DateBound {
  /** The start of the instant given, ms since the epoch. */
  ms: number
  /**
   * How long the value lasts at the precision it was written in: a day for a date, a minute
   * for "12:00", a second for "12:00:00", 100 ms for "12:00:00.5", 1 ms from three decimals.
   */
  spanMs: number
}

function spanOf(second: string | undefined, fraction: string | undefined): number {
  if (second === undefined) return 60_000
  if (!fraction) return 1000
  return 10 ** Math.max(0, 3 - fraction.length)
}

/**
 * Reads an ISO 8601 date (`2026-03-24`) or date-time (`2026-03-24T12:00:00Z`, with an optional
 * offset; no offset means UTC). Returns null for anything else, impossible dates included.
 */
export function parseIsoBound(text: string): DateBound | null {
  const value = text.trim()
  const dateOnly = DATE_ONLY.exec(value)
  if (dateOnly) {
    const ms = utcDate(Number(dateOnly[1]), Number(dateOnly[2]), Number(dateOnly[3]))
    return ms === null ? null : { ms, spanMs: DAY_MS }
  }
  const match = DATE_TIME.exec(value)
  if (!match) return null
  const [, year, month, day, hour, minute, second, fraction, zone] = match
  const date = utcDate(Number(year), Number(month), Number(day))
  const offset = offsetMs(zone)
  if (date === null || offset === null) return null
  if (Number(hour) > 23 || Number(minute) > 59 || Number(second ?? 0) > 59) return null
  const millis = Number((fraction ?? "").padEnd(3, "0").slice(0, 3))
  const ms = date + ((Number(hour) * 60 + Number(minute)) * 60 + Number(second ?? 0)) * 1000 + millis - offset
  return { ms, spanMs: spanOf(second, fraction) }
}

/**
 * `to` is inclusive of everything its value denotes: through the end of the day for a date,
 * through the end of the second for "12:00:00". Returns the exclusive limit.
 */
export function upperLimitMs(bound: DateBound): number {
  return bound.ms + bound.spanMs
}

/** A query parameter holding an ISO 8601 date or date-time (UTC unless an offset is given). */
export function isoBoundParam(label: string) {
  return z.string().transform((value, ctx): DateBound => {
    const bound = parseIsoBound(value)
    if (bound) return bound
    ctx.addIssue({
      code: "custom",
      message: `The ${label} field must be an ISO 8601 date or date-time (UTC), such as 2026-03-24 or 2026-03-24T12:00:00Z.`,
    })
    return z.NEVER
  })
}
