/**
 * Which window a run reads, and where the high-water mark goes after it.
 *
 * The gateway's list filters on `created_at`, so a payment created before the mark may be
 * completed (or refunded) after the run that last looked at it: every scheduled window starts
 * `overlap` before the mark, which must therefore exceed a checkout's lifetime. A first run
 * looks back `lookback`. A range asked for by a person (API, CLI) is checked here too.
 */
import { z } from "zod"
import type { ReconcileSettings } from "./settings"
import type { ReconcileSummary, ReconcileWindow } from "./types"

export function scheduledWindow(mark: Date | null, now: number, settings: Pick<ReconcileSettings, "overlapMs" | "lookbackMs">): ReconcileWindow {
  const from = mark ? Math.min(mark.getTime(), now) - settings.overlapMs : now - settings.lookbackMs
  return { from: new Date(from), to: new Date(now) }
}

/**
 * The mark after a run: null (stay) unless every page was read; else the window's end, held
 * back to the earliest payment that failed (so the next window sees it again) for at most
 * `retryPinMs`, after which a payment that keeps failing stops holding every later run back.
 */
export function nextHighWaterMark(window: ReconcileWindow, summary: ReconcileSummary, retryPinMs: number): Date | null {
  if (!summary.complete) return null
  const end = window.to.getTime()
  if (!summary.earliest_failure_at) return new Date(end)
  const failure = Date.parse(summary.earliest_failure_at)
  return new Date(Math.min(end, Math.max(failure, end - retryPinMs)))
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/
const DAY_MS = 86_400_000

/** A bare date is the whole day: `from` its first instant, `to` its last (to is inclusive). */
const instant = (field: "from" | "to") =>
  z
    .string({ error: `${field} is required: an ISO 8601 date or date-time, such as 2026-11-01 or 2026-11-01T12:00:00Z` })
    .trim()
    .regex(/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/i, {
      error: `${field} must be an ISO 8601 date or date-time, such as 2026-11-01 or 2026-11-01T12:00:00Z`,
    })
    .transform((value, ctx) => {
      const dateOnly = DATE_ONLY.test(value)
      const ms = Date.parse(dateOnly ? `${value}T00:00:00Z` : value)
      if (Number.isNaN(ms) || (dateOnly && new Date(ms).toISOString().slice(0, 10) !== value)) {
        ctx.addIssue({ code: "custom", message: `${field} is not a real date` })
        return z.NEVER
      }
      return new Date(dateOnly && field === "to" ? ms + DAY_MS - 1 : ms)
    })

/** `{ from, to }` as ISO 8601 (bare dates are whole UTC days), from ≤ to, at most `maxRangeMs` apart. */
export function rangeSchema(maxRangeMs: number) {
  const days = Math.round((maxRangeMs / DAY_MS) * 100) / 100
  // The pipe checks the pair only once both instants parsed.
  return z
    .strictObject({ from: instant("from"), to: instant("to") }, { error: "the body must be a JSON object with from and to" })
    .pipe(
      z
        .object({ from: z.date(), to: z.date() })
        .refine((range) => range.from.getTime() <= range.to.getTime(), { error: "from must not be after to", path: ["to"] })
        .refine((range) => range.to.getTime() - range.from.getTime() <= maxRangeMs, {
          error: `the range must not span more than ${days} days (USDT_RECONCILE_MAX_RANGE_DAYS)`,
          path: ["to"],
        })
    )
}

/** A person's range as the window read: its end is never later than now (nothing exists there yet). */
export function requestedWindow(range: { from: Date; to: Date }, now: number): ReconcileWindow {
  const to = Math.min(range.to.getTime(), now)
  return { from: new Date(Math.min(range.from.getTime(), to)), to: new Date(to) }
}
