/**
 * Every timer the sandbox sets goes through here, so that `stop()` (and a reset, for webhook
 * retries) can cancel them all and leave nothing holding the process open.
 */

export interface TimerGroup {
  /** Runs `task` after `ms`; the returned function cancels it. */
  after(ms: number, task: () => void): () => void
  /** Resolves after `ms`, or never once the group is cleared. */
  sleep(ms: number): Promise<void>
  /** Cancels every pending timer. */
  clear(): void
  readonly pending: number
}

export function createTimerGroup(): TimerGroup {
  const timers = new Set<NodeJS.Timeout>()
  function after(ms: number, task: () => void): () => void {
    const timer = setTimeout(() => {
      timers.delete(timer)
      task()
    }, Math.max(0, ms))
    timers.add(timer)
    return () => {
      clearTimeout(timer)
      timers.delete(timer)
    }
  }
  return {
    after,
    sleep: (ms) => (ms <= 0 ? Promise.resolve() : new Promise<void>((resolve) => void after(ms, resolve))),
    clear() {
      for (const timer of timers) clearTimeout(timer)
      timers.clear()
    },
    get pending() {
      return timers.size
    },
  }
}
