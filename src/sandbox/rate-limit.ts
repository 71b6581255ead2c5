/**
 * The per-merchant request budget: a sliding-window log. A request is let through while fewer
 * than `limit` requests were let through in the last `windowMs`; a refused request does not
 * count (as Laravel's throttle). The wait told back is the real time until a slot frees.
 */

export interface RateLimitConfig {
  limit: number
  windowMs: number
}

export type RateDecision = { ok: true } | { ok: false; retryAfterMs: number; limit: number; windowMs: number }

export interface RateLimiter {
  hit(key: string | number): RateDecision
  reset(): void
}

export function createRateLimiter(config: RateLimitConfig | false, now: () => number): RateLimiter {
  const windows = new Map<string, number[]>()
  return {
    hit(key) {
      if (config === false) return { ok: true }
      const t = now()
      const id = String(key)
      const starts = (windows.get(id) ?? []).filter((start) => start > t - config.windowMs)
      if (starts.length >= config.limit) {
        windows.set(id, starts)
        return { ok: false, retryAfterMs: starts[starts.length - config.limit] + config.windowMs - t, ...config }
      }
      starts.push(t)
      windows.set(id, starts)
      return { ok: true }
    },
    reset() {
      windows.clear()
    },
  }
}

/** Retry-After and retry_after_seconds: whole seconds, rounded up, at least 1. */
export function retryAfterSeconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000))
}
