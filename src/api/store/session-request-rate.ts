/**
 * How many USDT session requests each cart (payment collection) made in the last minute, in
 * this process: the session guard refuses one past the cart's share. Counted per instance (two
 * instances let a cart make twice the share), which bounds the CPU one cart can take from the
 * others; the gateway's budget has its own, shared, limits (checkout-plan.ts, the pacer).
 */
export const SESSION_RATE_WINDOW_MS = 60_000
/** Carts tracked at most; past it the least recently seen are forgotten. */
const MAX_TRACKED = 10_000

export type SessionRateDecision = { allowed: true } | { allowed: false; retryAfterMs: number }

export function createSessionRequestRate(windowMs = SESSION_RATE_WINDOW_MS) {
  const seen = new Map<string, number[]>()
  return {
    /** Counts a request of `key` at `now` when it is within `perWindow`; else says when the next may come. */
    take(key: string, perWindow: number, now = Date.now()): SessionRateDecision {
      const recent = (seen.get(key) ?? []).filter((at) => at > now - windowMs)
      seen.delete(key)
      if (recent.length >= perWindow) {
        seen.set(key, recent)
        return { allowed: false, retryAfterMs: recent[0] + windowMs - now }
      }
      recent.push(now)
      seen.set(key, recent)
      if (seen.size > MAX_TRACKED) seen.delete(seen.keys().next().value as string)
      return { allowed: true }
    },
  }
}

/** The process's one counter (the guard's). */
export const sessionRequestRate = createSessionRequestRate()
