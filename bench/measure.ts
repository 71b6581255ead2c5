/**
 * Small measuring helpers shared by the benchmarks: rounds, medians, percentiles, and the row
 * every benchmark returns for the one table `npm run bench` prints.
 */
import { z } from "zod"

export interface Rate {
  opsPerSecond: number
}

/**
 * One line of the results table. `ours` and `reference` are in `unit`; the reference is
 * measured in the same run (null when the figure is compared with a limit, not a peer).
 * `ratio` is whatever the goal speaks of (its direction is in the goal's words), null if none.
 */
export const rowSchema = z.object({
  figure: z.string(),
  ours: z.number(),
  reference: z.number().nullable(),
  /** What the reference is, e.g. "raw undici" or "Stripe route". */
  referenceLabel: z.string().optional(),
  ratio: z.number().nullable(),
  /** The goal in words, e.g. "≤ 1.3×" or "p99 < 50 ms". */
  goal: z.string(),
  /** Whether the goal is met; absent when the figure has no goal of its own. */
  met: z.boolean().optional(),
  unit: z.string(),
  /** Decimals for ours/reference; default 0 for values ≥ 100, else 2. */
  digits: z.number().optional(),
})
export type Row = z.infer<typeof rowSchema>

/**
 * A benchmark: runs, prints whatever detail it likes to stderr, and returns its rows. One that
 * returns nothing (void) keeps what it printed itself; run.ts then only lists it as "printed".
 */
export type Bench = () => Promise<Row[] | void> | Row[] | void

/** Runs `fn` `iterations` times and returns operations per second. */
export function rateOf(iterations: number, fn: () => void): Rate {
  const started = process.hrtime.bigint()
  for (let i = 0; i < iterations; i++) fn()
  const seconds = Number(process.hrtime.bigint() - started) / 1e9
  return { opsPerSecond: iterations / seconds }
}

export async function rateOfAsync(iterations: number, fn: () => Promise<unknown>): Promise<Rate> {
  const started = process.hrtime.bigint()
  for (let i = 0; i < iterations; i++) await fn()
  const seconds = Number(process.hrtime.bigint() - started) / 1e9
  return { opsPerSecond: iterations / seconds }
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

/** The p-th percentile (0–100) by nearest rank; NaN for no values. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN
  const sorted = [...values].sort((a, b) => a - b)
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)))
  return sorted[rank - 1]
}

export function fmt(value: number, digits = 0): string {
  return value.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits })
}

/** A detail line: goes to stderr so that stdout holds the one table. */
export function line(label: string, value: string): void {
  console.error(`  ${label.padEnd(44)} ${value}`)
}

/** A heading for a benchmark's detail lines (stderr). */
export function heading(text: string): void {
  console.error(`\n${text}`)
}
