/**
 * Scale-out of the Shopify app: payment sessions resolved per minute with one instance (one app
 * process + one bullmq worker) and with two (two app processes + two workers on the same
 * PostgreSQL and Redis, behind a round-robin balancer), all real processes as in production
 * (test/chaos/shopify-target.ts). Each session: Shopify's session request → the shopper pays at
 * the sandbox → the gateway's webhook → the resolve mutation at the stand-in; C shoppers at a
 * time, no faults, the gateway's budget out of the way. Checked: each session resolved exactly
 * once (else ✗ and `npm run bench` exits 1). On 2 shared cores the second instance shares the
 * same CPUs: the ratio shows the cost or gain of the topology, not of more hardware.
 *
 *   npm run bench shopify-scale      BENCH_SHOPIFY_SCALE_N=… sessions per run (default 100), BENCH_SHOPIFY_SCALE_C=… (default 20)
 */
import { mkdirSync } from "node:fs"
import { join } from "node:path"
import { startSandbox } from "../src/sandbox"
import { sandboxControl } from "../test/integration/medusa/helpers/sandbox"
import { startShopifyTarget } from "../test/chaos/shopify-target"
import { fmt, heading, line, type Row } from "./measure"

const MERCHANT = { id: 9301, apiKey: "sk_bench_scale_9301_key", webhookSecret: "whsec_bench_scale" }
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

async function inPool(count: number, concurrency: number, task: () => Promise<void>): Promise<void> {
  let next = 0
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next++ < count) await task()
    })
  )
}

async function sessionsPerMinute(instances: number, n: number, concurrency: number): Promise<{ perMinute: number; resolved: number; doubled: number }> {
  const running = await startSandbox({ port: 0, merchants: [MERCHANT], rateLimit: false, quiet: true })
  const sandbox = sandboxControl(running)
  const logDir = join(__dirname, "..", "test-artifacts", "bench")
  mkdirSync(logDir, { recursive: true })
  const target = await startShopifyTarget({ gatewayUrl: running.url, merchant: MERCHANT, logDir, instances, crash: false, calm: true, gatewayBudget: { limit: 1_000_000, windowMs: 60_000 } })
  try {
    const refs: string[] = []
    const session = async () => {
      const checkout = await target.openCheckout()
      refs.push(checkout.ref)
      const paid = await sandbox.pay(checkout.checkoutUrl)
      if (paid.status !== 200) throw new Error(`sandbox pay → ${paid.status}`)
      const deadline = Date.now() + 60_000
      while (!(await target.pollComplete(checkout.ref))) {
        if (Date.now() > deadline) throw new Error(`session ${checkout.ref} not resolved within 60 s`)
        await sleep(100)
      }
    }
    await inPool(Math.min(10, n), concurrency, session)
    const started = Date.now()
    const measured = refs.length
    await inPool(n, concurrency, session)
    const seconds = (Date.now() - started) / 1000
    let resolved = 0
    let doubled = 0
    for (const ref of refs.slice(measured)) {
      const facts = await target.facts(ref)
      resolved += facts.orders
      if (facts.captures !== 1 || facts.payments !== 1) doubled++
    }
    line(`${instances} instance(s): ${n} sessions, ${concurrency} at a time`, `${fmt(seconds, 1)} s, ${fmt((n / seconds) * 60, 0)} sessions/min, ${resolved} resolved, ${doubled} not resolved exactly once`)
    return { perMinute: (n / seconds) * 60, resolved, doubled }
  } finally {
    await target.stop()
    await running.stop()
  }
}

export async function benchShopifyScale(): Promise<Row[]> {
  const n = Number(process.env.BENCH_SHOPIFY_SCALE_N ?? 100)
  const concurrency = Number(process.env.BENCH_SHOPIFY_SCALE_C ?? 20)
  heading(`shopify-scale: the Shopify app's processes, 1 vs 2 instances on one PostgreSQL and Redis; ${n} sessions, ${concurrency} at a time`)
  const one = await sessionsPerMinute(1, n, concurrency)
  const two = await sessionsPerMinute(2, n, concurrency)
  const once = one.resolved === n && two.resolved === n && one.doubled + two.doubled === 0
  if (!once) {
    console.error(`[bench] shopify-scale FAILED: resolved ${one.resolved} and ${two.resolved} of ${n}, ${one.doubled + two.doubled} not exactly once`)
    process.exitCode = 1
  }
  return [
    { figure: "Shopify sessions resolved/min, 2 instances (2 app processes + 2 workers, balanced)", ours: two.perMinute, reference: one.perMinute, referenceLabel: "1 app process + 1 worker", ratio: two.perMinute / one.perMinute, goal: "(shown: 2 cores shared)", unit: "/min", digits: 0 },
    { figure: "Shopify scale-out: sessions resolved exactly once", ours: two.resolved - two.doubled, reference: n, referenceLabel: "sessions, 2 instances", ratio: null, goal: "all, 0 doubles", met: once, unit: "" },
  ]
}
