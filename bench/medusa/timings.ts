/**
 * Where a request's time goes inside Medusa: the sums the timing probe (timing-probe.cjs,
 * preloaded into a store started with `timing: true`) writes, read as snapshots and diffed
 * over a run. Steps nest (the route's time holds the completion's, which holds the workflow's),
 * and each step's wall time includes its waits (locks, database, a busy event loop).
 */
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs"
import { basename, dirname } from "node:path"
import { z } from "zod"
import { fmt, line } from "../measure"

const sumsSchema = z.record(z.string(), z.object({ ms: z.number(), n: z.number() }))
export type StepSums = z.infer<typeof sumsSchema>

/** The probe's sums of every process of the store, added up. */
export async function readTimings(file: string): Promise<StepSums> {
  await new Promise((resolve) => setTimeout(resolve, 700)) // the probe writes every 500 ms
  const total: StepSums = {}
  const dir = dirname(file)
  if (!existsSync(dir)) return total
  for (const name of readdirSync(dir).filter((n) => n.startsWith(`${basename(file)}.`))) {
    const parsed = sumsSchema.safeParse(JSON.parse(readFileSync(`${dir}/${name}`, "utf8")))
    if (!parsed.success) continue
    for (const [step, sum] of Object.entries(parsed.data)) {
      const into = (total[step] ??= { ms: 0, n: 0 })
      into.ms += sum.ms
      into.n += sum.n
    }
  }
  return total
}

export function removeTimings(file: string): void {
  const dir = dirname(file)
  if (!existsSync(dir)) return
  for (const name of readdirSync(dir).filter((n) => n.startsWith(`${basename(file)}.`))) rmSync(`${dir}/${name}`, { force: true })
}

/** Prints each step's mean wall time per call and calls per request, between two snapshots. */
export function printTimings(label: string, before: StepSums, after: StepSums, requests: number): void {
  const steps = Object.entries(after)
    .map(([step, sum]) => ({ step, ms: sum.ms - (before[step]?.ms ?? 0), n: sum.n - (before[step]?.n ?? 0) }))
    .filter((s) => s.n > 0)
    .sort((a, b) => b.ms - a.ms)
  line(`${label}: where the time goes`, `(mean wall ms per call × calls per request; steps nest)`)
  for (const s of steps) line(`  ${s.step}`, `${fmt(s.ms / s.n, 2)} ms × ${fmt(s.n / requests, 2)}`)
}
