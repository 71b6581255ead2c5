/**
 * Webhook end to end through the Medusa app (`medusa start`, its own database), 50 concurrent
 * from a second process: the USDT route (`POST /hooks/usdt`: verify, record the delivery
 * `queued`, answer; then confirm with the gateway, authorize, capture and complete the cart in
 * the background, 4 at a time) next to Medusa's own Stripe provider route
 * (`POST /hooks/payment/stripe_stripe`, Stripe-signed; it answers at once and Medusa processes
 * the event later) on the same app. Both answer before the order exists, so the answer says
 * nothing about the order: two figures for each, the answer (throughput of
 * 2xx, p50/p99) and the time until the order exists (per webhook, from its sending; and
 * orders/s until the last one exists). Goal: throughput ≥ the Stripe path, p99 < 50 ms.
 * Also shown: the CPU (Medusa + PostgreSQL) each webhook costs until its order exists, 2xx
 * answers whose order never came, and the USDT answer one at a time (no queue in front).
 * The carts buy distinct variants (bench/medusa/seed.ts) on both paths, so that the inventory
 * item's lock is not what is measured.
 *
 *   npm run bench webhook-e2e        BENCH_WEBHOOK_N=… webhooks per path (default 100)
 */
import { figuresOf, runLoad } from "./load/run-load"
import { fmt, heading, line, type Row } from "./measure"
import { cpuPer } from "./medusa/cpu"
import { doubles } from "./medusa/database"
import { printTimings, readTimings } from "./medusa/timings"
import { orderFigures, waitForOrders } from "./medusa/orders"
import { startBenchStore, type BenchStore } from "./medusa/store"
import { type PaidCarts, paidStripeCarts, paidUsdtCarts } from "./medusa/webhooks"

const CONCURRENCY = 50

/** Sends the webhooks (50 concurrent unless told) to the given instances and waits for every order. */
export async function measureWebhooks(store: BenchStore, paid: PaidCarts, origins: string[], label: string, concurrency = CONCURRENCY) {
  const timingsBefore = store.timingFile ? await readTimings(store.timingFile) : undefined
  const cpuBefore = await store.cpu()
  // Bounded: no request starts after 5 min (a loaded machine serves the USDT route at < 1/s).
  const load = await runLoad({ origins, concurrency, timeLimitMs: 300_000, requests: paid.webhooks })
  const answers = figuresOf(load)
  // A webhook answered 5xx is one the gateway would send again later: its order is not waited for.
  const answered = load.results.filter((r) => r.status >= 200 && r.status < 300).map((r) => paid.cartIds[r.index])
  const orders = orderFigures(load, paid.cartIds, await waitForOrders(store.database, answered, 300_000))
  const cpu = cpuPer(cpuBefore, await store.cpu(), paid.cartIds.length)
  /** 2xx answers whose order never came (both routes answer before they process). */
  const lost = answered.length - orders.made
  line(`${label}: answers`, `${answers.ok}/${answers.sent} 2xx, ${fmt(answers.throughput, 1)}/s, p50 ${fmt(answers.p50, 1)} ms, p99 ${fmt(answers.p99, 1)} ms`)
  line(`${label}: orders`, `${orders.made}/${paid.cartIds.length}, ${fmt(orders.ordersPerSecond, 1)}/s, p50 ${fmt(orders.p50)} ms, p99 ${fmt(orders.p99)} ms after sending; ${lost} answered 2xx without an order`)
  line(`${label}: CPU per webhook`, `Medusa ${fmt(cpu.medusaMs, 1)} ms + PostgreSQL ${fmt(cpu.postgresMs, 1)} ms (until the orders exist)`)
  if (store.timingFile && timingsBefore) printTimings(label, timingsBefore, await readTimings(store.timingFile), paid.cartIds.length)
  return { answers, orders, cpu, lost }
}

export async function benchWebhookEndToEnd(): Promise<Row[]> {
  const n = Number(process.env.BENCH_WEBHOOK_N ?? 100)
  heading(`webhook end to end through Medusa, ${n} webhooks per path, ${CONCURRENCY} concurrent from a second process`)
  const store = await startBenchStore({ name: "webhook_e2e", timing: true })
  try {
    // Warm-up on other carts (JIT, pools, caches), then the measured runs.
    await measureWebhooks(store, await paidStripeCarts(store, 20), [store.url], "warm-up Stripe")
    await measureWebhooks(store, await paidUsdtCarts(store, 20), [store.url], "warm-up USDT")
    // One at a time: each webhook's own processing time, with no queue in front of it.
    const serial = await measureWebhooks(store, await paidUsdtCarts(store, 20), [store.url], "USDT route, one at a time", 1)
    // Each path's carts are prepared (and their webhooks signed) right before its run, so that
    // no webhook waits for the other path's run and grows older than the signature tolerance.
    const stripePaid = await paidStripeCarts(store, n)
    const stripe = await measureWebhooks(store, stripePaid, [store.url], "Stripe route")
    const usdtPaid = await paidUsdtCarts(store, n)
    const usdt = await measureWebhooks(store, usdtPaid, [store.url], "USDT route")
    // Little's law: with C webhooks in the app at once and one served every 1/throughput s, each waits C/throughput.
    line("USDT: 50 ÷ throughput (the queue's wait)", `${fmt((CONCURRENCY / usdt.answers.throughput) * 1000)} ms, next to p50 ${fmt(usdt.answers.p50)} ms`)
    const twice = await doubles(store.database, [...stripePaid.cartIds, ...usdtPaid.cartIds])
    const extra = twice.extraOrders + twice.extraPayments + twice.extraCaptures
    const ref = "Medusa Stripe route"
    return [
      { figure: `webhook e2e, ${CONCURRENCY} concurrent: 2xx answers/s`, ours: usdt.answers.throughput, reference: stripe.answers.throughput, referenceLabel: ref, ratio: usdt.answers.throughput / stripe.answers.throughput, goal: "≥ 1.0× Stripe", met: usdt.answers.throughput >= stripe.answers.throughput, unit: "/s", digits: 1 },
      { figure: "webhook e2e: answer p50", ours: usdt.answers.p50, reference: stripe.answers.p50, referenceLabel: ref, ratio: usdt.answers.p50 / stripe.answers.p50, goal: "(shown)", unit: "ms", digits: 1 },
      { figure: "webhook e2e: answer p99", ours: usdt.answers.p99, reference: stripe.answers.p99, referenceLabel: ref, ratio: usdt.answers.p99 / stripe.answers.p99, goal: "< 50 ms", met: usdt.answers.p99 < 50, unit: "ms", digits: 1 },
      { figure: "webhook e2e: orders/s until the last order exists", ours: usdt.orders.ordersPerSecond, reference: stripe.orders.ordersPerSecond, referenceLabel: ref, ratio: usdt.orders.ordersPerSecond / stripe.orders.ordersPerSecond, goal: "≥ 1.0× Stripe", met: usdt.orders.ordersPerSecond >= stripe.orders.ordersPerSecond, unit: "/s", digits: 1 },
      { figure: "webhook e2e: sent → order exists, p50", ours: usdt.orders.p50, reference: stripe.orders.p50, referenceLabel: ref, ratio: usdt.orders.p50 / stripe.orders.p50, goal: "(shown)", unit: "ms" },
      { figure: "webhook e2e: sent → order exists, p99", ours: usdt.orders.p99, reference: stripe.orders.p99, referenceLabel: ref, ratio: usdt.orders.p99 / stripe.orders.p99, goal: "(shown)", unit: "ms" },
      { figure: "webhook e2e: 2xx answered, no order (lost)", ours: usdt.lost, reference: stripe.lost, referenceLabel: ref, ratio: null, goal: "0", met: usdt.lost === 0, unit: "" },
      { figure: "webhook e2e: orders made / doubles", ours: usdt.orders.made + stripe.orders.made, reference: n * 2, referenceLabel: "webhooks sent", ratio: null, goal: "all, 0 doubles", met: usdt.orders.made + stripe.orders.made === n * 2 && extra === 0, unit: "" },
      { figure: "webhook e2e: Medusa + PostgreSQL CPU per webhook, until its order", ours: usdt.cpu.medusaMs + usdt.cpu.postgresMs, reference: stripe.cpu.medusaMs + stripe.cpu.postgresMs, referenceLabel: ref, ratio: (usdt.cpu.medusaMs + usdt.cpu.postgresMs) / (stripe.cpu.medusaMs + stripe.cpu.postgresMs), goal: "(shown: what bounds throughput)", unit: "ms", digits: 1 },
      { figure: "webhook e2e: USDT answer one at a time (p50, no queue)", ours: serial.answers.p50, reference: usdt.answers.p50, referenceLabel: `USDT p50 at ${CONCURRENCY} concurrent`, ratio: null, goal: "(shown)", unit: "ms", digits: 1 },
    ]
  } finally {
    await store.stop()
  }
}
