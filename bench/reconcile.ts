/**
 * Reconciling 10 000 paid payments of one range: the engine with the real gateway client
 * (pacer, 429 handling) against the sandbox, with a settle step that does nothing, so the
 * figures are the reconciliation's own: requests made next to ⌈N/100⌉, wall time next to the
 * rate-limit bound (requests ÷ 2 per second), 429s met (goal 0), and memory growth (goal
 * under 50 MB). The sandbox runs in a child process so that its memory is not counted.
 *
 * Two budgets, both 2 requests a second:
 *  - "120 per 60 s" (the gateway's): an idle budget lets ~102 requests through at once;
 *  - "2 per 1 s" (the same rate, window scaled down): no burst, so the run is rate-bound.
 *
 *   npm run bench reconcile            RECONCILE_BENCH_N=… to change the count
 */
import { type ChildProcess, spawn } from "node:child_process"
import { createInterface } from "node:readline"
import { setFlagsFromString } from "node:v8"
import { runInNewContext } from "node:vm"
import { z } from "zod"
import { createGatewayClient } from "../src/gateway"
import { reconcile } from "../src/reconcile/engine"
import type { SettlePage } from "../src/reconcile/types"
import { fmt, heading, line, type Row } from "./measure"

const MERCHANT = { id: 7001, apiKey: "sk_bench_reconcile_0123456789", webhookSecret: "whsec_bench_reconcile" }
const MB = 1024 * 1024

interface Budget {
  label: string
  limit: number
  windowMs: number
}

interface SandboxProcess {
  url: string
  child: ChildProcess
}

/** The sandbox in a child process (its own memory), with the given rate limit. */
async function startSandboxProcess(budget: Budget): Promise<SandboxProcess> {
  const options = JSON.stringify({ port: 0, merchants: [MERCHANT], quiet: true, rateLimit: { limit: budget.limit, windowMs: budget.windowMs } })
  const code = `require("./src/sandbox").startSandbox(${options}).then((s) => console.log(JSON.stringify({ url: s.url })))`
  const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", "-e", code], {
    cwd: `${__dirname}/..`,
    stdio: ["ignore", "pipe", "inherit"],
  })
  const stdout = child.stdout
  if (!stdout) throw new Error("the sandbox child has no stdout")
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: stdout }).once("line", (text: string) => {
      const parsed = z.object({ url: z.string() }).safeParse(JSON.parse(text))
      if (parsed.success) resolve(parsed.data.url)
      else reject(new Error(`the sandbox child printed ${JSON.stringify(text)}`))
    })
    child.once("exit", (code) => reject(new Error(`the sandbox child exited (${code}) before it listened`)))
  })
  return { url, child }
}

async function seed(url: string, count: number, from: Date, to: Date): Promise<void> {
  const response = await fetch(`${url}/__sandbox/payments/bulk`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ count, note_prefix: "bench-", created_from: from.toISOString(), created_to: to.toISOString() }),
  })
  if (response.status !== 201) throw new Error(`bulk seed answered ${response.status}: ${await response.text()}`)
}

/** A full garbage collection, so that a baseline holds only what is really alive. */
function collectGarbage(): void {
  setFlagsFromString("--expose-gc")
  const gc: unknown = runInNewContext("gc")
  if (typeof gc === "function") gc()
}

/** Peak RSS and heap growth over a baseline, sampled every 5 ms and after each page; and what stays after a GC. */
function memoryProbe() {
  collectGarbage()
  const base = process.memoryUsage()
  let rss = 0
  let heap = 0
  const sample = () => {
    const now = process.memoryUsage()
    rss = Math.max(rss, now.rss - base.rss)
    heap = Math.max(heap, now.heapUsed - base.heapUsed)
  }
  const timer = setInterval(sample, 5)
  return {
    sample,
    stop() {
      clearInterval(timer)
      sample()
      collectGarbage()
      const retainedMb = (process.memoryUsage().heapUsed - base.heapUsed) / MB
      return { rssMb: rss / MB, heapMb: heap / MB, retainedMb }
    },
  }
}

const settleNothing: SettlePage = async (payments) => payments.map((payment) => ({ gateway_payment_id: payment.id, action: "in_sync", discrepancies: [] }))

async function runOnce(budget: Budget, n: number) {
  const sandbox = await startSandboxProcess(budget)
  const from = new Date(Date.now() - 48 * 3_600_000)
  const to = new Date(Date.now() - 24 * 3_600_000)
  const client = createGatewayClient({ baseUrl: sandbox.url, merchantId: MERCHANT.id, apiKey: MERCHANT.apiKey, rateLimit: { limit: budget.limit, windowMs: budget.windowMs } })
  try {
    // Warm-up on another range (connections, JIT), so the figures are those of the run itself.
    const warmFrom = new Date(from.getTime() - 3_600_000)
    await seed(sandbox.url, 200, warmFrom, warmFrom)
    await reconcile({ source: client, window: { from: warmFrom, to: warmFrom }, settlePage: settleNothing })
    await seed(sandbox.url, n, from, to)
    const memory = memoryProbe()
    const started = process.hrtime.bigint()
    const summary = await reconcile({ source: client, counters: client.stats, window: { from, to }, settlePage: settleNothing, onPage: memory.sample })
    const seconds = Number(process.hrtime.bigint() - started) / 1e9
    const peak = memory.stop()
    if (!summary.complete) throw new Error(`the run stopped: ${summary.error}`)
    if (summary.payments_seen !== n) throw new Error(`saw ${summary.payments_seen} payments, expected ${n}`)
    return { summary, seconds, peak }
  } finally {
    await client.close()
    sandbox.child.kill("SIGTERM")
  }
}

export async function benchReconcile(): Promise<Row[]> {
  const n = Number(process.env.RECONCILE_BENCH_N ?? 10_000)
  const ideal = Math.ceil(n / 100)
  const budgets: Budget[] = [
    { label: "120 per 60 s (idle budget)", limit: 120, windowMs: 60_000 },
    { label: "2 per 1 s (same rate, no burst)", limit: 2, windowMs: 1_000 },
  ]
  const rows: Row[] = []
  heading(`reconcile ${fmt(n)} completed payments of one range (settle step does nothing; sandbox in a child process)`)
  for (const budget of budgets) {
    const { summary, seconds, peak } = await runOnce(budget, n)
    const rate = (budget.limit / budget.windowMs) * 1000
    const bound = summary.requests / rate
    console.error(`  budget ${budget.label}`)
    line("requests (⌈N/100⌉ + 1 per refund status)", `${summary.requests} (⌈N/100⌉ = ${ideal}, +2 refund-status pages; ${summary.retries} retries)`)
    line("pages / payments seen", `${summary.pages} / ${fmt(summary.payments_seen)}`)
    line("wall time vs bound (requests ÷ 2 per s)", `${fmt(seconds, 1)} s vs ${fmt(bound, 1)} s`)
    line("429s seen (goal 0)", String(summary.rate_limited))
    line("peak memory growth (goal < 50 MB)", `RSS ${fmt(peak.rssMb, 1)} MB, heap ${fmt(peak.heapMb, 1)} MB`)
    line("heap still held after the run (after a GC)", `${fmt(peak.retainedMb, 1)} MB`)
    const tag = `reconcile ${fmt(n)}, budget ${budget.label}`
    // ⌈N/100⌉ pages of completed payments plus one page per refund status.
    const needed = ideal + 2
    rows.push(
      { figure: `${tag}: gateway requests`, ours: summary.requests, reference: needed, referenceLabel: "⌈N/100⌉ + 2 refund pages", ratio: summary.requests / needed, goal: "= ⌈N/100⌉ + 2", met: summary.requests <= needed, unit: "req" },
      { figure: `${tag}: wall time`, ours: seconds, reference: bound, referenceLabel: "requests ÷ 2 per s", ratio: seconds / bound, goal: "≤ the rate bound (+5 %)", met: seconds <= bound * 1.05, unit: "s", digits: 1 },
      { figure: `${tag}: 429s met`, ours: summary.rate_limited, reference: null, ratio: null, goal: "0", met: summary.rate_limited === 0, unit: "" },
      { figure: `${tag}: peak heap growth`, ours: peak.heapMb, reference: null, ratio: null, goal: "< 50 MB", met: peak.heapMb < 50 && peak.rssMb < 50, unit: "MB", digits: 1 }
    )
  }
  return rows
}
