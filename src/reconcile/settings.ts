/**
 * The reconciliation job's settings, read from the environment once per run (so a changed
 * variable applies to the next run; the schedule itself is read when Medusa loads the job).
 * A bad value fails with one error naming every offending variable.
 *
 *   USDT_RECONCILE_CRON                 cron expression of the scheduled run; wins over the interval
 *   USDT_RECONCILE_INTERVAL_MINUTES     minutes between scheduled runs (default 5)
 *   USDT_RECONCILE_ENABLED              "false" turns the scheduled run off (the API and CLI still work)
 *   USDT_RECONCILE_OVERLAP_MINUTES      how far before the high-water mark each window starts (default 60;
 *                                       keep it above the checkout lifetime: the list filters on created_at)
 *   USDT_RECONCILE_LOOKBACK_HOURS       the first run's window (default 24)
 *   USDT_RECONCILE_EXPIRY_GRACE_MINUTES how long after a checkout's expires_at its session is canceled (default 2)
 *   USDT_RECONCILE_MAX_RANGE_DAYS       the longest range the API and CLI accept (default 31)
 *   USDT_RECONCILE_RETRY_HOURS          how long a payment that keeps failing holds the mark back (default 24)
 *   USDT_RECONCILE_LOCK_SECONDS         the run lock's lease, renewed while the run goes on (default 120)
 *   USDT_RECONCILE_CONCURRENCY          payments of a page settled at once (default 4)
 */
import { z } from "zod"

export interface ReconcileSettings {
  overlapMs: number
  lookbackMs: number
  expiryGraceMs: number
  maxRangeMs: number
  retryPinMs: number
  lockSeconds: number
  concurrency: number
}

export type ReconcileSchedule = string | { interval: number }

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR

const blankIsUnset = (value: unknown) => (typeof value === "string" && value.trim() === "" ? undefined : value)

function number(name: string, min: number, max: number) {
  return z.preprocess(
    blankIsUnset,
    z
      .string()
      .regex(/^\d+(\.\d+)?$/, { error: `${name} must be a number` })
      .transform(Number)
      .pipe(z.number().min(min, { error: `${name} must be at least ${min}` }).max(max, { error: `${name} must be at most ${max}` }))
      .optional()
  )
}

const envSchema = z.object({
  USDT_RECONCILE_CRON: z.preprocess(blankIsUnset, z.string().regex(/^(\S+\s+){4,5}\S+$/, { error: "USDT_RECONCILE_CRON must be a cron expression such as */5 * * * *" }).optional()),
  USDT_RECONCILE_INTERVAL_MINUTES: number("USDT_RECONCILE_INTERVAL_MINUTES", 1, 24 * 60),
  USDT_RECONCILE_ENABLED: z.preprocess(blankIsUnset, z.enum(["true", "false", "1", "0"], { error: "USDT_RECONCILE_ENABLED must be true or false" }).optional()),
  USDT_RECONCILE_OVERLAP_MINUTES: number("USDT_RECONCILE_OVERLAP_MINUTES", 0, 7 * 24 * 60),
  USDT_RECONCILE_LOOKBACK_HOURS: number("USDT_RECONCILE_LOOKBACK_HOURS", 0.1, 31 * 24),
  USDT_RECONCILE_EXPIRY_GRACE_MINUTES: number("USDT_RECONCILE_EXPIRY_GRACE_MINUTES", 0, 24 * 60),
  USDT_RECONCILE_MAX_RANGE_DAYS: number("USDT_RECONCILE_MAX_RANGE_DAYS", 0.01, 366),
  USDT_RECONCILE_RETRY_HOURS: number("USDT_RECONCILE_RETRY_HOURS", 0, 31 * 24),
  USDT_RECONCILE_LOCK_SECONDS: number("USDT_RECONCILE_LOCK_SECONDS", 10, 3600),
  USDT_RECONCILE_CONCURRENCY: number("USDT_RECONCILE_CONCURRENCY", 1, 32),
})

type ReconcileEnv = z.infer<typeof envSchema>

function readEnv(env: NodeJS.ProcessEnv): ReconcileEnv {
  const parsed = envSchema.safeParse(env)
  if (!parsed.success) {
    throw new Error(`Invalid USDT reconciliation settings: ${parsed.error.issues.map((issue) => issue.message).join("; ")}`)
  }
  return parsed.data
}

export function reconcileSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): ReconcileSettings {
  const e = readEnv(env)
  return {
    overlapMs: (e.USDT_RECONCILE_OVERLAP_MINUTES ?? 60) * MINUTE,
    lookbackMs: (e.USDT_RECONCILE_LOOKBACK_HOURS ?? 24) * HOUR,
    expiryGraceMs: (e.USDT_RECONCILE_EXPIRY_GRACE_MINUTES ?? 2) * MINUTE,
    maxRangeMs: (e.USDT_RECONCILE_MAX_RANGE_DAYS ?? 31) * DAY,
    retryPinMs: (e.USDT_RECONCILE_RETRY_HOURS ?? 24) * HOUR,
    lockSeconds: Math.round(e.USDT_RECONCILE_LOCK_SECONDS ?? 120),
    concurrency: Math.round(e.USDT_RECONCILE_CONCURRENCY ?? 4),
  }
}

/** The scheduled run's schedule: the cron expression, else every N minutes (default 5). */
export function reconcileScheduleFromEnv(env: NodeJS.ProcessEnv = process.env): ReconcileSchedule {
  const e = readEnv(env)
  if (e.USDT_RECONCILE_CRON) return e.USDT_RECONCILE_CRON.trim()
  return { interval: Math.round((e.USDT_RECONCILE_INTERVAL_MINUTES ?? 5) * MINUTE) }
}

export function scheduledReconcileEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = readEnv(env).USDT_RECONCILE_ENABLED
  return value !== "false" && value !== "0"
}
