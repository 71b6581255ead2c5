/**
 * `npm run bench budget`: the merchant's request budget, through the real store (Medusa started
 * with `medusa start` on its own database, the sandbox gateway enforcing 120 requests a window,
 * webhooks delayed 5 s). Shoppers arrive evenly, open their USDT session (10 % re-create it once),
 * pay after a while and poll `POST /store/carts/:id/complete` every 2 s until the order.
 *
 *  1. baseline: 45 shoppers a minute for 3 minutes — gateway requests per paid order (goal
 *     ≤ 2.1), 429s (goal 0), checkout answer p50/p99, every paid cart an order;
 *  2. overload: 90 arrivals a minute for 2 minutes, more than the budget serves, so checkouts
 *     queue — paid orders per minute in the second minute (goal ≥ 54, 0.9 of 60);
 *  3. flood: the baseline again while one cart creates sessions in 4 loops — the other
 *     shoppers' checkout p99 next to the baseline's (goal within 2×).
 *
 * BUDGET_BENCH_ONLY=baseline,overload,flood picks scenarios; BUDGET_BENCH_MINUTES and
 * BUDGET_BENCH_OVERLOAD_MINUTES shorten them. BUDGET_BENCH_SCALE (default 1, real time) divides
 * the gateway's minute, the poll interval (15 s), the polling period (2 s), the webhook delay
 * (5 s), the payment delay and the run lengths, and multiplies the arrival rate, so every figure
 * stays per gateway window ("a minute"); only the 250 ms a poll may wait for a budget slot and
 * Medusa's own processing time are not scaled, so a scaled run loads Medusa that much harder.
 * A full run at scale 1 takes about 25 minutes (most of it preparing carts).
 */
import { fmt, line } from "./measure"
import { type BenchStore, startBenchStore } from "./budget-store"
import { flood, type PreparedCart, runShopper, type ShopperResult, type StoreApi, storeApi } from "./budget-shopper"

const SCALE = Number(process.env.BUDGET_BENCH_SCALE || 1)
const MINUTE = 60_000 / SCALE
const SECOND = 1_000 / SCALE

interface Scenario {
  label: string
  perMinute: number
  minutes: number
  floodLoops?: number
}

interface Outcome {
  results: ShopperResult[]
  started: number
  requests: { status: number; method: string; path: string; at: number }[]
  floodStatuses?: Record<number, number>
}

function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]
}

async function prepare(api: StoreApi, count: number): Promise<PreparedCart[]> {
  const carts: PreparedCart[] = []
  let next = 0
  await Promise.all(
    Array.from({ length: 6 }, async () => {
      while (next < count) {
        next++
        carts.push(await api.prepareCart())
      }
    })
  )
  return carts
}

async function requestLog(sandboxUrl: string, since: number) {
  const entries = (await (await fetch(`${sandboxUrl}/__sandbox/requests`)).json()) as { at: string; status: number; method: string; path: string }[]
  return entries.map((e) => ({ ...e, at: Date.parse(e.at) })).filter((e) => e.at >= since && e.path.startsWith("/api/"))
}

async function run(store: BenchStore, api: StoreApi, scenario: Scenario): Promise<Outcome> {
  const count = Math.round(scenario.perMinute * scenario.minutes)
  console.log(`[budget] ${scenario.label}: preparing ${count} carts…`)
  const carts = await prepare(api, count + (scenario.floodLoops ? 1 : 0))
  const floodCart = scenario.floodLoops ? carts.pop() : undefined
  const control = (path: string, body: unknown) =>
    fetch(`${store.sandbox.url}/__sandbox${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) })
  await control("/reset", {})
  await control("/faults", { webhook_delay_ms: 5 * SECOND })
  console.log(`[budget] ${scenario.label}: running…`)
  const started = Date.now()
  const gap = MINUTE / scenario.perMinute
  const arrivalsEnd = started + count * gap
  const giveUpAt = arrivalsEnd + 3 * MINUTE
  const floodDone = floodCart && scenario.floodLoops ? flood(api, floodCart, scenario.floodLoops, arrivalsEnd) : undefined
  const results = await Promise.all(
    carts.map(async (cart, i) => {
      await new Promise((resolve) => setTimeout(resolve, i * gap))
      const plan = { recreate: i % 10 === 5, payAfterMs: (5 + ((i * 7) % 16)) * SECOND, pollEveryMs: 2 * SECOND, giveUpAt }
      return runShopper(api, store.sandbox.url, cart, plan)
    })
  )
  const floodStatuses = await floodDone
  // Let the delayed webhooks of the last orders arrive before counting requests.
  await new Promise((resolve) => setTimeout(resolve, 10 * SECOND + 2_000))
  return { results, started, requests: await requestLog(store.sandbox.url, started), floodStatuses }
}

function report(scenario: Scenario, outcome: Outcome): { checkoutP99: number } {
  const { results, requests } = outcome
  const paid = results.filter((r) => r.paidAt !== undefined)
  const ordered = results.filter((r) => r.orderAt !== undefined)
  const checkoutMs = results.flatMap((r) => r.checkoutMs)
  const count = (pred: (r: (typeof requests)[number]) => boolean) => requests.filter(pred).length
  const failures = [...new Set(results.flatMap((r) => (r.failure ? [r.failure.slice(0, 120)] : [])))]
  console.log(`\n${scenario.label} (${fmt(scenario.perMinute)} shoppers a minute for ${fmt(scenario.minutes, 1)} min, time ÷${SCALE})`)
  line("shoppers / paid / orders", `${results.length} / ${paid.length} / ${ordered.length}${paid.length === ordered.length ? " (every paid cart an order)" : " (MISSING ORDERS)"}`)
  line("gateway requests (checkout / list / get / 429)", `${requests.length} (${count((r) => r.method === "POST")} / ${count((r) => r.method === "GET" && r.path.endsWith("/payments"))} / ${count((r) => r.method === "GET" && /\/payments\/\d+$/.test(r.path))} / ${count((r) => r.status === 429)})`)
  line("gateway requests per paid order (goal ≤ 2.1)", fmt(requests.length / Math.max(1, ordered.length), 2))
  line("429s seen (goal 0)", String(count((r) => r.status === 429)))
  line("checkout answer p50 / p99", `${fmt(percentile(checkoutMs, 50))} ms / ${fmt(percentile(checkoutMs, 99))} ms`)
  line("polls per shopper (mean)", fmt(results.reduce((s, r) => s + r.polls, 0) / Math.max(1, results.length), 1))
  line("pay → order p50 / p99", `${fmt(percentile(ordered.map((r) => (r.orderAt ?? 0) - (r.paidAt ?? 0)), 50))} ms / ${fmt(percentile(ordered.map((r) => (r.orderAt ?? 0) - (r.paidAt ?? 0)), 99))} ms`)
  if (outcome.floodStatuses) line("flood: session answers by status", JSON.stringify(outcome.floodStatuses))
  if (failures.length) line("shopper failures", failures.join(" | "))
  return { checkoutP99: percentile(checkoutMs, 99) }
}

function sustained(outcome: Outcome, fromMinute: number, toMinute: number): number {
  const from = outcome.started + fromMinute * MINUTE
  const to = outcome.started + toMinute * MINUTE
  return outcome.results.filter((r) => r.orderAt !== undefined && r.orderAt >= from && r.orderAt < to).length / (toMinute - fromMinute)
}

export async function benchBudget(): Promise<void> {
  const minutes = Number(process.env.BUDGET_BENCH_MINUTES || 3)
  console.log(`\nRequest budget through the real store (npm run bench budget; BUDGET_BENCH_SCALE=${SCALE})`)
  const store = await startBenchStore({ windowMs: MINUTE, pollIntervalMs: 15 * SECOND })
  const interrupted = () => void store.stop().finally(() => process.exit(130))
  process.once("SIGINT", interrupted)
  process.once("SIGTERM", interrupted)
  try {
    const api = storeApi(store.storeUrl, store.seed)
    const only = (process.env.BUDGET_BENCH_ONLY || "baseline,overload,flood").split(",")
    const baseline: Scenario = { label: "1. baseline", perMinute: 45, minutes }
    const base = only.includes("baseline") ? report(baseline, await run(store, api, baseline)) : undefined
    if (only.includes("overload")) {
      const overload: Scenario = { label: "2. overload", perMinute: 90, minutes: Number(process.env.BUDGET_BENCH_OVERLOAD_MINUTES || 2) }
      const over = await run(store, api, overload)
      report(overload, over)
      line("paid orders a minute after the first (goal ≥ 54)", fmt(sustained(over, 1, overload.minutes), 1))
    }
    if (only.includes("flood")) {
      const flooded: Scenario = { label: "3. baseline + one cart flooding sessions", perMinute: 45, minutes, floodLoops: 4 }
      const withFlood = report(flooded, await run(store, api, flooded))
      if (base) line("others' checkout p99 vs baseline (goal ≤ 2×)", `${fmt(withFlood.checkoutP99 / base.checkoutP99, 2)}×`)
    }
  } finally {
    await store.stop()
  }
}
