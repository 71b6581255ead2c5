/** Waiting for orders to exist, and the figures of that wait. */
import type { LoadResult } from "../load/job"
import { percentile } from "../measure"
import { ordersOfCarts } from "./database"

/** Polls until every cart has an order (or the time is up); resolves with each order's time. */
export async function waitForOrders(database: string, cartIds: string[], timeoutMs: number): Promise<Map<string, number>> {
  const until = Date.now() + timeoutMs
  for (;;) {
    const seen = await ordersOfCarts(database, cartIds)
    if (seen.size === cartIds.length || Date.now() > until) return seen
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
}

export interface OrderFigures {
  made: number
  /** From the first request's start to the last order's existence. */
  ordersPerSecond: number
  p50: number
  p99: number
}

/** Time from each request's start to its cart's order; cartIds[i] belongs to request i. */
export function orderFigures(load: LoadResult, cartIds: string[], orders: Map<string, number>): OrderFigures {
  const delays: number[] = []
  let first = Number.POSITIVE_INFINITY
  let last = 0
  for (const result of load.results) {
    first = Math.min(first, result.startedAt)
    const at = orders.get(cartIds[result.index])
    if (at === undefined) continue
    delays.push(Math.max(0, at - result.startedAt))
    last = Math.max(last, at)
  }
  const seconds = (last - first) / 1000
  return { made: delays.length, ordersPerSecond: seconds > 0 ? delays.length / seconds : 0, p50: percentile(delays, 50), p99: percentile(delays, 99) }
}
