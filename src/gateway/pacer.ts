/**
 * Keeps a merchant's calls under the gateway's request budget (about 120 a minute) so that a
 * burst rarely meets a 429.
 *
 * The gateway counts a request when it arrives, which we cannot see; we can see when its answer
 * came back, which is always later. So a call holds a slot while it is in flight and, once
 * answered, stays counted for a whole window from the moment of its answer. A new call may start
 * only while fewer than `limit` calls are in flight or answered within the last window: any call
 * the gateway still counts is then one we count too, however long calls queue in the connection
 * pool. Waiters are served first come, first served.
 */

export interface PacerOptions {
  /** Calls allowed per window. Default 120. */
  limit?: number
  /** Window length in milliseconds. Default 60 000. */
  windowMs?: number
  /** Extra length added to the window for clock drift. Default max(20 ms, 1 % of the window). */
  marginMs?: number
  now?: () => number
}

/** Ends a call's time in flight; from then it counts for one more window. Idempotent. */
export type ReleaseSlot = () => void

export interface Pacer {
  /** Resolves when one more call may start; call the returned function when its answer is in. */
  acquire(): Promise<ReleaseSlot>
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
  const span = windowMs + (options.marginMs ?? Math.max(20, Math.ceil(windowMs * 0.01)))
  const now = options.now ?? Date.now
  /** Answer times of finished calls still inside the window, oldest first. */
  const answered: number[] = []
  const queue: Array<(release: ReleaseSlot) => void> = []
  let inFlight = 0
  let pausedUntil = 0
  let timer: NodeJS.Timeout | undefined

  function schedule(at: number, t: number): void {
    if (timer) clearTimeout(timer)
    timer = setTimeout(drain, Math.max(1, at - t))
  }

  function release(): ReleaseSlot {
    let done = false
    return () => {
      if (done) return
      done = true
      inFlight--
      answered.push(now())
    }
  }

  function drain(): void {
    timer = undefined
    while (queue.length > 0) {
      const t = now()
      while (answered.length > 0 && answered[0] <= t - span) answered.shift()
      if (pausedUntil > t) return schedule(pausedUntil, t)
      if (inFlight + answered.length >= limit) {
        // Only the oldest answer leaving the window frees a slot; with every slot in flight,
        // the next answer (and the window after it) will.
        if (answered.length > 0) schedule(answered[0] + span, t)
        else schedule(t + Math.min(span, 50), t)
        return
      }
      inFlight++
      queue.shift()?.(release())
    }
  }

  return {
    limit,
    windowMs,
    get waiting() {
      return queue.length
    },
    acquire() {
      return new Promise<ReleaseSlot>((resolve) => {
        queue.push(resolve)
        if (!timer) drain()
      })
    },
    pauseUntil(until: number) {
      if (until <= pausedUntil) return
      pausedUntil = until
      if (queue.length > 0) schedule(until, now())
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
