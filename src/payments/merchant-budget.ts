/**
 * The pacer of a merchant's gateway budget, for any integration: per process without Redis,
 * shared by every instance through Redis when a Redis URL is given (Medusa's REDIS_URL), since a
 * budget counted per process lets two instances together draw 429s.
 */
import { Redis } from "ioredis"
import { createPacer, type Pacer, sharedPacer } from "../gateway"
import { redisWindowStore } from "./redis-window-store"

export interface MerchantBudgetOptions {
  /** Gateway origin and merchant id: one budget per pair. */
  baseUrl: string
  merchantId: string
  /** The gateway's budget. Default 120 per 60 000 ms. */
  rateLimit?: { limit: number; windowMs: number }
  /** Share the budget through this Redis; without it, count in this process. */
  redisUrl?: string
  onFallback?: (error: unknown) => void
}

const pacers = new Map<string, Pacer>()
const connections = new Map<string, Redis>()

function connection(url: string): Redis {
  let redis = connections.get(url)
  if (!redis) {
    // A call made while the connection is first made waits for it (without the offline queue, the
    // first calls of every instance fell back to counting in their process); once Redis is away a
    // call fails after one retry and the store counts in this process until Redis is back.
    redis = new Redis(url, { maxRetriesPerRequest: 1, lazyConnect: false })
    redis.on("error", () => undefined)
    connections.set(url, redis)
  }
  return redis
}

export function merchantPacer(options: MerchantBudgetOptions): Pacer {
  const key = `${new URL(options.baseUrl).origin}#${options.merchantId}`
  if (!options.redisUrl) return sharedPacer(key, options.rateLimit ?? {})
  const cacheKey = JSON.stringify([key, options.redisUrl, options.rateLimit ?? null])
  let pacer = pacers.get(cacheKey)
  if (!pacer) {
    const store = redisWindowStore(connection(options.redisUrl), { key, onFallback: options.onFallback })
    pacer = createPacer({ ...options.rateLimit, store })
    pacers.set(cacheKey, pacer)
  }
  return pacer
}

/** Closes the Redis connections of shared budgets (tests and shutdown). */
export async function closeMerchantBudgets(): Promise<void> {
  const all = [...connections.values()]
  connections.clear()
  pacers.clear()
  await Promise.all(all.map((redis) => redis.quit().catch(() => undefined)))
}
