/**
 * The results table: printed to stdout, and written to bench/RESULTS.md with the date and the
 * machine. A partial run (`npm run bench <name>`) replaces that benchmark's rows and keeps the
 * others' (each with the date and machine it was measured on), carried in a JSON comment.
 */
import { execFileSync } from "node:child_process"
import { existsSync, readFileSync, writeFileSync } from "node:fs"
import { cpus, loadavg } from "node:os"
import { join } from "node:path"
import { z } from "zod"
import { fmt, type Row, rowSchema } from "./measure"

export const RESULTS_FILE = join(__dirname, "RESULTS.md")

const runSchema = z.object({ bench: z.string(), measuredAt: z.string(), machine: z.string(), rows: z.array(rowSchema) })
export type BenchRun = z.infer<typeof runSchema>

export function machine(): string {
  let nproc = String(cpus().length)
  try {
    nproc = execFileSync("nproc", { encoding: "utf8" }).trim()
  } catch {
    // no nproc: the CPU count node sees
  }
  const model = cpus()[0]?.model.trim() ?? "unknown CPU"
  const load = loadavg().map((l) => l.toFixed(2)).join(" ")
  return `nproc ${nproc}, ${model}, node ${process.version}, load average at start ${load}`
}

function value(n: number | null, row: Row): string {
  if (n === null || Number.isNaN(n)) return "—"
  const digits = row.digits ?? (Number.isInteger(n) || Math.abs(n) >= 100 ? 0 : 2)
  return `${fmt(n, digits)} ${row.unit}`.trimEnd()
}

function cells(row: Row): string[] {
  const reference = row.reference === null ? "—" : `${value(row.reference, row)}${row.referenceLabel ? ` (${row.referenceLabel})` : ""}`
  const ratio = row.ratio === null || Number.isNaN(row.ratio) ? "—" : `${fmt(row.ratio, 2)}×`
  const goal = row.met === undefined ? row.goal : `${row.goal} ${row.met ? "✓" : "✗"}`
  return [row.figure, value(row.ours, row), reference, ratio, goal]
}

const HEADER = ["figure", "ours", "reference (same run)", "ratio", "goal"]

/** The table as plain text, columns padded. */
export function textTable(runs: BenchRun[]): string {
  const body = runs.flatMap((run) => run.rows.map((row) => cells(row)))
  const widths = HEADER.map((h, i) => Math.max(h.length, ...body.map((r) => r[i].length)))
  const lineOf = (r: string[]) => r.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd()
  return [lineOf(HEADER), widths.map((w) => "-".repeat(w)).join("  "), ...body.map(lineOf)].join("\n")
}

function markdownTable(runs: BenchRun[]): string {
  const esc = (c: string) => c.replace(/\|/g, "\\|")
  const rows = runs.flatMap((run) => run.rows.map((row) => `| ${cells(row).map(esc).join(" | ")} |`))
  return [`| ${HEADER.join(" | ")} |`, `|${HEADER.map(() => "---").join("|")}|`, ...rows].join("\n")
}

function previousRuns(): BenchRun[] {
  if (!existsSync(RESULTS_FILE)) return []
  const match = /<!-- bench-results (.*) -->/.exec(readFileSync(RESULTS_FILE, "utf8"))
  if (!match) return []
  const parsed = z.array(runSchema).safeParse(JSON.parse(match[1]))
  return parsed.success ? parsed.data : []
}

/** Merges this run's benchmarks into RESULTS.md (in `order`), keeping the others as they were. */
export function writeResults(fresh: BenchRun[], order: string[], command: string): void {
  const byName = new Map(previousRuns().map((run) => [run.bench, run]))
  for (const run of fresh) byName.set(run.bench, run)
  const runs = order.map((name) => byName.get(name)).filter((run): run is BenchRun => run !== undefined)
  const measured = runs.map((run) => `- \`${run.bench}\`: ${run.measuredAt} — ${run.machine}`).join("\n")
  const text = `# Benchmark results

Written by \`npm run bench\` (last command: \`${command}\`). Each reference is measured in the same
run as our figure, on the same machine; ✓/✗ says whether the goal is met. What each figure
means and how it is measured: the comment at the top of each file in \`bench/\`.

The machine may be shared (the load average at each benchmark's start is under "Measured"): on
a loaded machine every Medusa figure is slower, and noisy, for ours and the reference alike;
compare a figure with the reference of its own run, not with another run's.

${markdownTable(runs)}

Measured:
${measured}

<!-- bench-results ${JSON.stringify(runs)} -->
`
  writeFileSync(RESULTS_FILE, text)
}
