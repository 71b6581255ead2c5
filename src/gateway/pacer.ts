/**
 * Keeps a merchant's calls under the gateway's request budget (about 120 a minute) so that a
 * burst rarely meets a 429, and spends that budget on what matters most first.
 *
 * The gateway counts a request when it arrives, which we cannot see; we can see when its answer
 * came back, which is always later. So a call holds a slot while it is in flight and, once
 * answered, stays counted for a whole window from the moment of its answer. A new call may start
 * only while fewer than `limit` calls are in flight or answered within the last window: any call
 * the gateway still counts is then one we count too, however long calls queue in the connection
 * pool. The slots live in a `WindowStore`: in memory by default (one process), or a shared one
 * (e.g. Redis, supplied by the integration) so that several instances draw on one budget.
 *
 * Waiters are served by priority — webhook confirmations and refunds, then new checkouts, then
 * storefront polls, then reconciliation pages — and first come, first served within one.
 */

/** What a call is for, most urgent first. */
export const REQUEST_PRIORITIES = ["confirm", "checkout", "poll", "reconcile"] as const
export type RequestPriority = (typeof REQUEST_PRIORITIES)[number]

export type SlotGrant = { granted: true; id: string } | { granted: false; retryAt: number }

/**
 * Where the window's slots are counted: one store per (gateway, merchant). `take` grants a slot
 * while fewer than `limit` are in flight or answered within `spanMs` before `now`, else says
 * when to ask again; `finish` marks a slot's answer time; `pause` holds every grant until then.
 */
export interface WindowStore {
  take(request: { limit: number; spanMs: number; now: number }): SlotGrant | Promise<SlotGrant>
  finish(id: string, at: number): void | Promise<void>
  pause(until: number): void | Promise<void>
}

/** The default store: this process only. */
export function memoryWindowStore(): WindowStore {
  /** Answer times of finished calls still inside the window, oldest first. */
  const answered: number[] = []
  const inFlight = new Set<string>()
  let sequence = 0
  let pausedUntil = 0
  return {
    take({ limit, spanMs, now }) {
      while (answered.length > 0 && answered[0] <= now - spanMs) answered.shift()
      if (pausedUntil > now) return { granted: false, retryAt: pausedUntil }
      if (inFlight.size + answered.length >= limit) {
        // Only the oldest answer leaving the window frees a slot; with every slot in flight,
        // the next answer (and the window after it) will.
        return { granted: false, retryAt: answered.length > 0 ? answered[0] + spanMs : now + Math.min(spanMs, 50) }
      }
      const id = String(++sequence)
      inFlight.add(id)
      return { granted: true, id }
    },
    finish(id, at) {
      if (!inFlight.delete(id)) return
      let i = answered.length
      while (i > 0 && answered[i - 1] > at) i--
      answered.splice(i, 0, at)
    },
    pause(until) {
      pausedUntil = Math.max(pausedUntil, until)
    },
  }
}

export interface PacerOptions {
  /** Calls allowed per window. Default 120. */
  limit?: number
  /** Window length in milliseconds. Default 60 000. */
  windowMs?: number
  /** Extra length added to the window for clock drift. Default max(20 ms, 1 % of the window). */
  marginMs?: number
  /** Where slots are counted. Default: in this process. */
  store?: WindowStore
  now?: () => number
}

/** A call that would rather not happen than wait longer for a slot (a storefront poll) waited too long. */
export class PacerQueueTimeoutError extends Error {
  constructor(
    readonly priority: RequestPriority,
    readonly waitedMs: number
  ) {
    super(`No gateway request slot within ${waitedMs} ms for a ${priority} call: the merchant's budget is busy`)
    this.name = "PacerQueueTimeoutError"
  }
}

/** Ends a call's time in flight; from then it counts for one more window. Idempotent. */
export type ReleaseSlot = () => void

export interface Pacer {
  /**
   * Resolves when one more call may start; call the returned function when its answer is in.
   * Default priority "checkout". With `maxWaitMs`, rejects with PacerQueueTimeoutError instead
   * of waiting longer.
   */
  acquire(priority?: RequestPriority, options?: { maxWaitMs?: number }): Promise<ReleaseSlot>
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
  const spanMs = windowMs + (options.marginMs ?? Math.max(20, Math.ceil(windowMs * 0.01)))
  const now = options.now ?? Date.now
  const store = options.store ?? memoryWindowStore()
  const queues: Record<RequestPriority, Array<(release: ReleaseSlot) => void>> = { confirm: [], checkout: [], poll: [], reconcile: [] }
  let waiting = 0
  let draining = false
  let timer: NodeJS.Timeout | undefined

  function next(): ((release: ReleaseSlot) => void) | undefined {
    for (const priority of REQUEST_PRIORITIES) {
      const waiter = queues[priority].shift()
      if (waiter) {
        waiting--
        return waiter
      }
    }
    return undefined
  }

  function schedule(at: number): void {
    if (timer) clearTimeout(timer)
    timer = setTimeout(() => {
      timer = undefined
      void drain()
    }, Math.max(1, at - now()))
  }

  function releaseOf(id: string): ReleaseSlot {
    let done = false
    return () => {
      if (done) return
      done = true
      void Promise.resolve(store.finish(id, now())).catch(() => undefined)
    }
  }

  async function drain(): Promise<void> {
    if (draining) return
    draining = true
    try {
      while (waiting > 0) {
        const grant = await store.take({ limit, spanMs, now: now() })
        if (!grant.granted) return schedule(grant.retryAt)
        const waiter = next()
        if (!waiter) {
          await store.finish(grant.id, now())
          return
        }
        waiter(releaseOf(grant.id))
      }
    } catch {
      // A failing store must not stall every call: ask again shortly.
      schedule(now() + Math.min(spanMs, 250))
    } finally {
      draining = false
    }
  }

  return {
    limit,
    windowMs,
    get waiting() {
      return waiting
    },
    acquire(priority: RequestPriority = "checkout", acquireOptions: { maxWaitMs?: number } = {}) {
      return new Promise<ReleaseSlot>((resolve, reject) => {
        const maxWaitMs = acquireOptions.maxWaitMs
        let expiry: NodeJS.Timeout | undefined
        const waiter = (release: ReleaseSlot) => {
          if (expiry) clearTimeout(expiry)
          resolve(release)
        }
        queues[priority].push(waiter)
        waiting++
        if (maxWaitMs !== undefined) {
          expiry = setTimeout(() => {
            const index = queues[priority].indexOf(waiter)
            if (index < 0) return
            queues[priority].splice(index, 1)
            waiting--
            reject(new PacerQueueTimeoutError(priority, maxWaitMs))
          }, maxWaitMs)
        }
        if (!timer) void drain()
      })
    },
    pauseUntil(until: number) {
      void Promise.resolve(store.pause(until)).catch(() => undefined)
      if (waiting > 0) schedule(until)
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
