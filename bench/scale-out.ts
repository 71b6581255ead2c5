/**
 * Scale-out on Redis: two Medusa instances (one `shared`, one `server`; both answer HTTP) on
 * one PostgreSQL database and one Redis, with Medusa's Redis event bus, workflow engine, cache
 * and locking modules (medusa-config.ts with REDIS_URL).
 *
 *  1. Same moment, both instances: for each of M paid carts the gateway's webhook is sent to
 *     BOTH instances and the storefront's complete to one of them, all at once. Check: one
 *     order, one payment, one capture per cart (the per-cart locks hold across processes),
 *     every answer 2xx. If not, the row says ✗ and `npm run bench` exits 1.
 *  2. Webhook throughput at 50 concurrent: N webhooks to one instance, then N others spread
 *     over both (same app, same database).
 *
 *   npm run bench scale-out     BENCH_SCALE_M=… carts raced (default 20), BENCH_WEBHOOK_N=… (default 100)
 *   BENCH_REDIS_URL             default redis://127.0.0.1:6379/<a database number of its own>
 */
import { z } from "zod"
import { runLoad } from "./load/run-load"
import { fmt, heading, line, type Row } from "./measure"
import { doubles } from "./medusa/database"
import { waitForOrders } from "./medusa/orders"
import { shopper } from "./medusa/shopper"
import { type BenchStore, startBenchStore } from "./medusa/store"
import { paidUsdtCarts, type Request } from "./medusa/webhooks"
import { measureWebhooks } from "./webhook-e2e"

/** Webhook to A, the same webhook to B, storefront complete to A or B: all at once. */
async function race(store: BenchStore, m: number) {
  const paid = await paidUsdtCarts(store, m)
  const headers = shopper(store.url, store.seed).headers
  const [a, b] = store.urls
  const requests: Request[] = paid.cartIds.flatMap((cartId, i) => [
    { ...paid.webhooks[i], origin: a },
    { ...paid.webhooks[i], origin: b },
    { origin: i % 2 ? a : b, method: "POST" as const, path: `/store/carts/${cartId}/complete`, headers, body: "{}" },
  ])
  const load = await runLoad({ origins: [a], concurrency: requests.length, timeLimitMs: 180_000, requests })
  const statuses = load.results.map((r) => r.status)
  const failures = [...new Set(load.results.flatMap((r) => (r.body === undefined ? [] : [`${r.status} ${requests[r.index].path.split("/")[1]}: ${r.body}`])))]
  for (const failure of failures) console.error(`[bench] scale-out race answer: ${failure}`)
  // /hooks/usdt answers once the delivery is recorded and processes it afterwards (4 at a time
  // per instance, lock timeouts retried): the orders may come well after the last answer.
  const orders = await waitForOrders(store.database, paid.cartIds, 180_000)
  const twice = await doubles(store.database, paid.cartIds)
  return { statuses, orders: orders.size, twice }
}

/** The gateway's answers so far (the sandbox's request log): how many, and how many 429. */
async function gatewayAnswers(store: BenchStore): Promise<{ requests: number; tooMany: number }> {
  const entries = z.array(z.looseObject({ status: z.number() })).parse(await (await fetch(`${store.sandbox.url}/__sandbox/requests`)).json())
  return { requests: entries.length, tooMany: entries.filter((e) => e.status === 429).length }
}

export async function benchScaleOut(): Promise<Row[]> {
  const m = Number(process.env.BENCH_SCALE_M ?? 20)
  const n = Number(process.env.BENCH_WEBHOOK_N ?? 100)
  heading(`scale-out: two Medusa instances on one PostgreSQL and one Redis; ${m} carts raced, ${n} webhooks per throughput run`)
  const redisUrl = process.env.BENCH_REDIS_URL || `redis://127.0.0.1:6379/${9 + (process.pid % 6)}`
  const store = await startBenchStore({ name: "scale_out", redis: redisUrl, instances: [{ workerMode: "shared" }, { workerMode: "server" }] })
  try {
    const raced = await race(store, m)
    const bad = raced.statuses.filter((s) => s < 200 || s >= 300)
    line("raced: orders / carts", `${raced.orders} / ${m}`)
    line("raced: extra orders, payments, captures", `${raced.twice.extraOrders}, ${raced.twice.extraPayments}, ${raced.twice.extraCaptures}`)
    line("raced: answers not 2xx", `${bad.length} of ${raced.statuses.length} (${[...new Set(bad)].join(", ") || "none"})`)
    const extra = raced.twice.extraOrders + raced.twice.extraPayments + raced.twice.extraCaptures
    if (raced.orders !== m || extra !== 0) {
      // The check failed: the figures still go in the table (✗), and `npm run bench` exits 1.
      console.error(`[bench] scale-out race FAILED: ${raced.orders} orders for ${m} carts, ${extra} doubles`)
      process.exitCode = 1
    }
    await measureWebhooks(store, await paidUsdtCarts(store, 20), store.urls, "warm-up")
    const one = await measureWebhooks(store, await paidUsdtCarts(store, n), [store.urls[0]], "one instance")
    const twoPaid = await paidUsdtCarts(store, n)
    const two = await measureWebhooks(store, twoPaid, store.urls, "two instances")
    const twice = await doubles(store.database, twoPaid.cartIds)
    const throughputExtra = twice.extraOrders + twice.extraPayments + twice.extraCaptures
    line("two / one instance throughput", `${fmt(two.answers.throughput / one.answers.throughput, 2)}×`)
    const gateway = await gatewayAnswers(store)
    line("gateway: requests / 429 answers (whole run)", `${gateway.requests} / ${gateway.tooMany} (the sandbox's rate limit is off in bench stores: see the budget benchmark)`)
    return [
      { figure: `scale-out race (2 instances, Redis): ${m} carts × (2 webhooks + complete)`, ours: raced.orders, reference: m, referenceLabel: "carts", ratio: null, goal: "1 order, 1 payment, 1 capture each", met: raced.orders === m && extra === 0, unit: "orders" },
      { figure: "scale-out race: answers not 2xx", ours: bad.length, reference: raced.statuses.length, referenceLabel: "requests", ratio: null, goal: "0", met: bad.length === 0, unit: "" },
      { figure: "webhook e2e with Redis, 50 concurrent: 2xx/s, two instances", ours: two.answers.throughput, reference: one.answers.throughput, referenceLabel: "one instance", ratio: two.answers.throughput / one.answers.throughput, goal: "(shown: 2 cores shared)", unit: "/s", digits: 1 },
      { figure: "webhook e2e with Redis: answer p99, two instances", ours: two.answers.p99, reference: one.answers.p99, referenceLabel: "one instance", ratio: two.answers.p99 / one.answers.p99, goal: "(shown)", unit: "ms" },
      { figure: "webhook e2e with Redis: orders made / doubles, two instances", ours: two.orders.made, reference: n, referenceLabel: "webhooks sent", ratio: null, goal: `all ${n}, 0 doubles`, met: two.orders.made === n && throughputExtra === 0, unit: "" },
      { figure: "scale-out: gateway answers 429 (whole run; sandbox limit off)", ours: gateway.tooMany, reference: gateway.requests, referenceLabel: "gateway requests", ratio: null, goal: "0", met: gateway.tooMany === 0, unit: "" },
    ]
  } finally {
    await store.stop()
  }
}
