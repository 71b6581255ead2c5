/**
 * Reconciliation healing with every webhook dropped: N paid USDT sessions (N = 500 by default)
 * turned into orders by ONE reconciliation run (`POST /admin/usdt/reconcile`: the engine reads
 * the gateway's pages, and each payment goes through the real settle path — authorize, capture,
 * complete the cart — inside Medusa). Next to it, on the same app: N other paid sessions
 * completed by Medusa's own storefront path (`POST /store/carts/:id/complete`) at the same
 * concurrency as the run settles (USDT_RECONCILE_CONCURRENCY, default 4), from a second process.
 * The storefront set goes first, so the run also lists (and leaves alone) its N payments.
 * Goal: orders/s ≥ 1.0× the storefront path, 0 doubles.
 *
 *   npm run bench healing           BENCH_HEALING_N=… sessions per path (default 500)
 */
import { request } from "undici"
import { z } from "zod"
import { runLoad } from "./load/run-load"
import { fmt, heading, line, type Row } from "./measure"
import { doubles } from "./medusa/database"
import { waitForOrders } from "./medusa/orders"
import { clonePaidCarts } from "./medusa/clone-carts"
import { payAtSandbox, sandboxFaults, shopper } from "./medusa/shopper"
import { type BenchStore, startBenchStore } from "./medusa/store"
import { mapWithConcurrency } from "../src/reconcile/medusa-settle"

const CONCURRENCY = Number(process.env.USDT_RECONCILE_CONCURRENCY ?? 4)

/**
 * Both sets of N carts with paid USDT sessions, no webhook delivered (the setup, not measured):
 * one cart through the store API, copied in SQL (medusa/clone-carts.ts) with each copy's
 * checkout opened and paid at the sandbox. BENCH_HEALING_SETUP=api makes every cart through the
 * store API instead (about a second of Medusa each on a loaded machine).
 */
async function paidCarts(store: BenchStore, n: number): Promise<{ storefrontSet: string[]; healingSet: string[] }> {
  const started = performance.now()
  let ids: string[]
  if (process.env.BENCH_HEALING_SETUP === "api") {
    const carts = await shopper(store.url, store.seed).prepare(2 * n, undefined, 12)
    await mapWithConcurrency(carts, 16, (cart) => payAtSandbox(store.sandbox.url, cart.data.checkout_url))
    ids = carts.map((cart) => cart.cartId)
  } else {
    ids = (await clonePaidCarts(store, 2 * n)).map((cart) => cart.cartId)
  }
  line("setup: paid sessions", `${2 * n} in ${fmt((performance.now() - started) / 1000, 1)} s (${process.env.BENCH_HEALING_SETUP === "api" ? "store API" : "one cart copied in SQL"})`)
  return { storefrontSet: ids.slice(0, n), healingSet: ids.slice(n) }
}

async function storefrontCompletes(store: BenchStore, cartIds: string[]): Promise<number> {
  const headers = shopper(store.url, store.seed).headers
  const load = await runLoad({
    origins: [store.url],
    concurrency: CONCURRENCY,
    timeLimitMs: 3_600_000,
    requests: cartIds.map((id) => ({ method: "POST" as const, path: `/store/carts/${id}/complete`, headers, body: "{}" })),
  })
  const failed = load.results.filter((r) => r.status !== 200)
  if (failed.length > 0) throw new Error(`${failed.length} storefront completions failed (first status ${failed[0].status})`)
  return load.wallMs / 1000
}

async function reconcileRun(store: BenchStore, from: Date): Promise<{ seconds: number; summary: Record<string, unknown> }> {
  const token = await store.adminToken()
  const started = performance.now()
  // One request for the whole run: undici's own client, so that no 300 s header timeout ends it.
  const answer = await request(`${store.url}/admin/usdt/reconcile`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({ from: from.toISOString(), to: new Date(Date.now() + 60_000).toISOString() }),
    headersTimeout: 3_600_000,
    bodyTimeout: 3_600_000,
  })
  const seconds = (performance.now() - started) / 1000
  const text = await answer.body.text()
  if (answer.statusCode !== 200) throw new Error(`the reconciliation run answered ${answer.statusCode}: ${text.slice(0, 300)}`)
  return { seconds, summary: z.object({ summary: z.record(z.string(), z.unknown()) }).parse(JSON.parse(text)).summary }
}

export async function benchHealing(): Promise<Row[]> {
  const n = Number(process.env.BENCH_HEALING_N ?? 500)
  heading(`reconciliation healing: ${n} paid sessions, every webhook dropped, one run vs the storefront's complete, ${CONCURRENCY} at a time`)
  const store = await startBenchStore({ name: "healing" })
  try {
    const from = new Date(Date.now() - 60_000)
    await sandboxFaults(store.sandbox.url, { webhook_drop_rate: 1 })
    const { storefrontSet, healingSet } = await paidCarts(store, n)
    const storefrontSeconds = await storefrontCompletes(store, storefrontSet)
    const run = await reconcileRun(store, from)
    const orders = await waitForOrders(store.database, healingSet, 10_000)
    const twice = await doubles(store.database, [...storefrontSet, ...healingSet])
    const extra = twice.extraOrders + twice.extraPayments + twice.extraCaptures
    const ours = orders.size / run.seconds
    const reference = n / storefrontSeconds
    line("storefront complete", `${n} orders in ${fmt(storefrontSeconds, 1)} s = ${fmt(reference, 2)}/s`)
    line("one reconciliation run", `${orders.size} orders in ${fmt(run.seconds, 1)} s = ${fmt(ours, 2)}/s; ${JSON.stringify(run.summary).slice(0, 200)}`)
    line("doubles (orders, payments, captures)", `${twice.extraOrders}, ${twice.extraPayments}, ${twice.extraCaptures}`)
    return [
      { figure: `reconciliation healing, N = ${n}, webhooks dropped: orders/s`, ours, reference, referenceLabel: `storefront complete, ${CONCURRENCY} at a time`, ratio: ours / reference, goal: "≥ 1.0×", met: ours >= reference, unit: "/s", digits: 2 },
      { figure: "reconciliation healing: orders made / doubles", ours: orders.size, reference: n, referenceLabel: "paid sessions", ratio: null, goal: `all ${n}, 0 doubles`, met: orders.size === n && extra === 0, unit: "" },
    ]
  } finally {
    await store.stop()
  }
}
