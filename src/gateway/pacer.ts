/**
 * Keeps a merchant's calls under the gateway's request budget (about 120 a minute) so that a
 * burst rarely meets a 429. A sliding-window log: a call may start only while fewer than
 * `limit` calls started in the last `windowMs` (plus a small margin that absorbs network
 * jitter between our clock and the gateway's). Waiters are served first come, first served.
 */

export interface PacerOptions {
  /** Calls allowed per window. Default 120. */
  limit?: number
  /** Window length in milliseconds. Default 60 000. */
  windowMs?: number
  /** Extra spacing added to the window. Default max(50 ms, 2 % of the window). */
  marginMs?: number
  now?: () => number
}

export interface Pacer {
  /** Resolves when one more call may start, and counts it. */
  acquire(): Promise<void>
  /** Pushes every start back until `until` (ms since epoch): used after a 429. */
  pauseUntil(until: number): void
  readonly limit: number
  readonly windowMs: number
  /** Calls waiting for a slot right now. */
  readonly waiting: number
}

export function createPacer(options: PacerOptions = {}): Pacer {
  const limit = options.limit ?? 120
  const windowMs = options.windowMs ?? 60_000
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`pacer limit must be a positive integer, got ${limit}`)
  if (!(windowMs > 0)) throw new RangeError(`pacer windowMs must be positive, got ${windowMs}`)
  const span = windowMs + (options.marginMs ?? Math.max(50, Math.ceil(windowMs * 0.02)))
  const now = options.now ?? Date.now
  const starts: number[] = []
  const queue: Array<() => void> = []
  let pausedUntil = 0
  let timer: NodeJS.Timeout | undefined

  function drain(): void {
    timer = undefined
    while (queue.length > 0) {
      const t = now()
      while (starts.length > 0 && starts[0] <= t - span) starts.shift()
      let readyAt = pausedUntil
      if (starts.length >= limit) readyAt = Math.max(readyAt, starts[starts.length - limit] + span)
      if (readyAt > t) {
        timer = setTimeout(drain, readyAt - t)
        return
      }
      starts.push(t)
      queue.shift()?.()
    }
  }

  return {
    limit,
    windowMs,
    get waiting() {
      return queue.length
    },
    acquire() {
      return new Promise<void>((resolve) => {
        queue.push(resolve)
        if (!timer) drain()
      })
    },
    pauseUntil(until: number) {
      if (until <= pausedUntil) return
      pausedUntil = until
      if (timer) {
        clearTimeout(timer)
        timer = undefined
      }
      if (queue.length > 0) drain()
    },
  }
}

const shared = new Map<string, Pacer>()

/**
 * One pacer per (gateway, merchant) in this process, so that every client of the same
 * merchant (checkout, webhook handling, reconciliation) draws on one budget.
 */
export function sharedPacer(key: string, options: PacerOptions = {}): Pacer {
  let pacer = shared.get(key)
  if (!pacer || pacer.limit !== (options.limit ?? 120) || pacer.windowMs !== (options.windowMs ?? 60_000)) {
    pacer = createPacer(options)
    shared.set(key, pacer)
  }
  return pacer
}
