import { parseCliRange } from "../../src/reconcile/cli-args"
import { reconcileScheduleFromEnv, reconcileSettingsFromEnv, scheduledReconcileEnabled } from "../../src/reconcile/settings"
import { emptySummary } from "../../src/reconcile/summary"
import { nextHighWaterMark, rangeSchema, requestedWindow, scheduledWindow } from "../../src/reconcile/window"

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR
const now = Date.parse("2026-11-29T12:00:00Z")

describe("reconciliation windows", () => {
  const settings = { overlapMs: 60 * MINUTE, lookbackMs: 24 * HOUR }

  it("a first run looks back the lookback; later runs start the overlap before the mark", () => {
    expect(scheduledWindow(null, now, settings)).toEqual({ from: new Date(now - DAY), to: new Date(now) })
    const mark = new Date(now - 5 * MINUTE)
    expect(scheduledWindow(mark, now, settings)).toEqual({ from: new Date(now - 65 * MINUTE), to: new Date(now) })
    // A mark in the future (a clock moved back) never widens the window past now.
    expect(scheduledWindow(new Date(now + HOUR), now, settings).from).toEqual(new Date(now - HOUR))
  })

  it("moves the mark to the window's end after a complete run, never after an incomplete one", () => {
    const window = { from: new Date(now - HOUR), to: new Date(now) }
    const done = { ...emptySummary(window), complete: true }
    expect(nextHighWaterMark(window, done, DAY)).toEqual(new Date(now))
    expect(nextHighWaterMark(window, { ...done, complete: false }, DAY)).toBeNull()
  })

  it("holds the mark at the earliest failed payment, for at most the retry time", () => {
    const window = { from: new Date(now - 2 * DAY), to: new Date(now) }
    const failedAt = new Date(now - 30 * MINUTE).toISOString()
    const summary = { ...emptySummary(window), complete: true, failed: 1, earliest_failure_at: failedAt }
    expect(nextHighWaterMark(window, summary, DAY)).toEqual(new Date(failedAt))
    const old = { ...summary, earliest_failure_at: new Date(now - 30 * HOUR).toISOString() }
    expect(nextHighWaterMark(window, old, DAY)).toEqual(new Date(now - DAY))
  })

  it("a person's range ends at now at the latest", () => {
    expect(requestedWindow({ from: new Date(now - HOUR), to: new Date(now + DAY) }, now)).toEqual({ from: new Date(now - HOUR), to: new Date(now) })
    expect(requestedWindow({ from: new Date(now + HOUR), to: new Date(now + DAY) }, now)).toEqual({ from: new Date(now), to: new Date(now) })
  })
})

describe("the range a person asks for", () => {
  const schema = rangeSchema(31 * DAY)

  it("reads date-times and whole UTC days (to is inclusive: the end of its day)", () => {
    expect(schema.parse({ from: "2026-11-01T10:00:00Z", to: "2026-11-01T11:00:00+01:00" })).toEqual({
      from: new Date("2026-11-01T10:00:00Z"),
      to: new Date("2026-11-01T10:00:00Z"),
    })
    expect(schema.parse({ from: "2026-11-01", to: "2026-11-01" })).toEqual({ from: new Date("2026-11-01T00:00:00.000Z"), to: new Date("2026-11-01T23:59:59.999Z") })
    expect(schema.parse({ from: "2026-11-01", to: "2026-12-01" }).to).toEqual(new Date("2026-12-01T23:59:59.999Z"))
  })

  it.each([
    [{ from: "2026-11-02", to: "2026-11-01" }, /from must not be after to/],
    [{ from: "2026-10-01", to: "2026-12-01" }, /more than 31 days/],
    [{ from: "yesterday", to: "2026-11-01" }, /ISO 8601/],
    [{ from: "2026-02-30", to: "2026-03-01" }, /not a real date/],
    [{ to: "2026-11-01" }, /from is required/],
    [{ from: "2026-11-01", to: "2026-11-01", status: "completed" }, /status/],
  ])("refuses %j", (body, message) => {
    const parsed = schema.safeParse(body)
    expect(parsed.success).toBe(false)
    expect(JSON.stringify(parsed.error?.issues)).toMatch(message)
  })
})

describe("the command line's range", () => {
  it.each([
    [["--from", "2026-11-01", "--to", "2026-11-02"]],
    [["--from=2026-11-01", "--to=2026-11-02"]],
    [["from=2026-11-01", "to=2026-11-02"]],
    [["2026-11-01", "2026-11-02"]],
  ])("reads %j", (args) => {
    expect(parseCliRange(args, {}, 31 * DAY)).toEqual({ ok: true, range: { from: new Date("2026-11-01T00:00:00Z"), to: new Date("2026-11-02T23:59:59.999Z") } })
  })

  it("falls back on the environment, and explains what is missing or wrong", () => {
    expect(parseCliRange([], { USDT_RECONCILE_FROM: "2026-11-01", USDT_RECONCILE_TO: "2026-11-01" }, DAY).ok).toBe(true)
    expect(parseCliRange([], {}, DAY)).toMatchObject({ ok: false, message: expect.stringMatching(/a range is required\. usage: npx medusa exec/) })
    expect(parseCliRange(["2026-11-01", "2026-11-05"], {}, DAY)).toMatchObject({ ok: false, message: expect.stringMatching(/more than 1 days/) })
  })
})

describe("reconciliation settings from the environment", () => {
  it("has documented defaults", () => {
    expect(reconcileSettingsFromEnv({})).toEqual({
      overlapMs: 60 * MINUTE,
      lookbackMs: 24 * HOUR,
      expiryGraceMs: 2 * MINUTE,
      maxRangeMs: 31 * DAY,
      retryPinMs: 24 * HOUR,
      lockSeconds: 120,
      concurrency: 4,
    })
    expect(reconcileScheduleFromEnv({})).toEqual({ interval: 5 * MINUTE })
    expect(scheduledReconcileEnabled({})).toBe(true)
  })

  it("reads the schedule: a cron expression wins over the interval", () => {
    expect(reconcileScheduleFromEnv({ USDT_RECONCILE_INTERVAL_MINUTES: "15" })).toEqual({ interval: 15 * MINUTE })
    expect(reconcileScheduleFromEnv({ USDT_RECONCILE_CRON: "*/10 * * * *", USDT_RECONCILE_INTERVAL_MINUTES: "15" })).toBe("*/10 * * * *")
    expect(scheduledReconcileEnabled({ USDT_RECONCILE_ENABLED: "false" })).toBe(false)
  })

  it("names every bad variable at once", () => {
    expect(() => reconcileSettingsFromEnv({ USDT_RECONCILE_OVERLAP_MINUTES: "soon", USDT_RECONCILE_CONCURRENCY: "0" })).toThrow(
      /USDT_RECONCILE_OVERLAP_MINUTES must be a number; USDT_RECONCILE_CONCURRENCY must be at least 1/
    )
    expect(() => reconcileScheduleFromEnv({ USDT_RECONCILE_CRON: "often" })).toThrow(/USDT_RECONCILE_CRON must be a cron expression/)
  })
})
