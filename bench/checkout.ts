/**
 * Checkout creation through the store API (`POST /store/payment-collections/:id/payment-sessions`
 * with the USDT provider: Medusa's session work + our provider + one gateway call) next to what
 * it cannot avoid, measured in the same run, one request at a time from a second process:
 *   - the same store API call with Medusa's manual provider (`pp_system_default`, calls no one),
 *   - a raw POST /checkout-session to the sandbox (same headers and body shape).
 * Added by the provider at the median = USDT − manual − raw. Goal: under 1.5 ms.
 * Then, for USDT sessions alone, where the time goes inside Medusa (the timing probe: the
 * provider's steps, its checkout-record reads and writes, the gateway call).
 *
 *   npm run bench checkout          BENCH_CHECKOUT_N=… requests of each kind (default 60)
 */
import { randomUUID } from "node:crypto"
import { USDT_PAYMENT_PROVIDER_ID } from "../src/providers/usdt/registration"
import type { LoadJob, LoadResult } from "./load/job"
import { runLoad } from "./load/run-load"
import { fmt, heading, line, median, type Row } from "./measure"
import { shopper, SYSTEM_PROVIDER_ID } from "./medusa/shopper"
import { printTimings, readTimings } from "./medusa/timings"
import { type BenchStore, rawCheckoutRequest, startBenchStore } from "./medusa/store"

type Request = LoadJob["requests"][number]

async function triples(store: BenchStore, count: number): Promise<Request[]> {
  const buyer = shopper(store.url, store.seed)
  const carts = await buyer.prepare(count * 2, USDT_PAYMENT_PROVIDER_ID, 6, false)
  const session = (collectionId: string, providerId: string): Request => ({
    method: "POST",
    path: `/store/payment-collections/${collectionId}/payment-sessions`,
    headers: buyer.headers,
    body: JSON.stringify({ provider_id: providerId }),
  })
  const raw = (): Request => rawCheckoutRequest(store, `raw-${randomUUID()}`)
  return Array.from({ length: count }, (_, i) => [session(carts[i].collectionId, USDT_PAYMENT_PROVIDER_ID), session(carts[count + i].collectionId, SYSTEM_PROVIDER_ID), raw()]).flat()
}

function medians(load: LoadResult): { usdt: number; manual: number; raw: number } {
  const failed = load.results.filter((r) => r.status !== 200 && r.status !== 201)
  if (failed.length > 0) throw new Error(`${failed.length} checkout requests failed (first status ${failed[0].status})`)
  const of = (kind: number) => median(load.results.filter((r) => r.index % 3 === kind).map((r) => r.ms))
  return { usdt: of(0), manual: of(1), raw: of(2) }
}

export async function benchCheckout(): Promise<Row[]> {
  const n = Number(process.env.BENCH_CHECKOUT_N ?? 60)
  heading(`checkout creation: store API with the USDT provider vs the manual provider + a raw POST to the sandbox, ${n} each, sequential`)
  const store = await startBenchStore({ name: "checkout", timing: true })
  try {
    const warm = await triples(store, 10)
    await runLoad({ origins: [store.url], concurrency: 1, timeLimitMs: 120_000, requests: warm })
    const load = await runLoad({ origins: [store.url], concurrency: 1, timeLimitMs: 300_000, requests: await triples(store, n) })
    const m = medians(load)
    const added = m.usdt - m.manual - m.raw
    line("store API, USDT session (median)", `${fmt(m.usdt, 2)} ms`)
    line("store API, pp_system_default session (median)", `${fmt(m.manual, 2)} ms  (Medusa's own work, no provider call)`)
    line("raw POST /checkout-session to the sandbox (median)", `${fmt(m.raw, 2)} ms`)
    line("added by the USDT provider = USDT − system − raw", `${fmt(added, 2)} ms`)
    if (store.timingFile) {
      // USDT sessions alone, so that the probe's sums are theirs only.
      const only = (await triples(store, 20)).filter((_, i) => i % 3 === 0)
      const before = await readTimings(store.timingFile)
      await runLoad({ origins: [store.url], concurrency: 1, timeLimitMs: 120_000, requests: only })
      printTimings("USDT session, one at a time", before, await readTimings(store.timingFile), only.length)
    }
    return [
      { figure: "checkout creation via the store API, USDT provider (median)", ours: m.usdt, reference: m.manual, referenceLabel: "same call, Medusa's pp_system_default", ratio: m.usdt / m.manual, goal: "(shown)", unit: "ms", digits: 2 },
      { figure: "checkout creation: raw POST /checkout-session to the sandbox (median)", ours: m.raw, reference: null, ratio: null, goal: "(shown: the one gateway call)", unit: "ms", digits: 2 },
      { figure: "checkout creation: added by the provider = USDT − system − raw (median)", ours: added, reference: null, ratio: null, goal: "< 1.5 ms", met: added < 1.5, unit: "ms", digits: 2 },
    ]
  } finally {
    await store.stop()
  }
}
