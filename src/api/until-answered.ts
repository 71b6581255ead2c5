/**
 * For middlewares that run a route under a lock: hand the request on once (whatever async path
 * gets there first), then hold the lock until the route's answer is sent.
 */
import type { MedusaNextFunction, MedusaResponse } from "@medusajs/framework/http"

/** Resolves once the response is sent (or its connection closed): a lock held until then covers the whole route. */
export function untilAnswered(res: MedusaResponse): Promise<void> {
  return new Promise((resolve) => {
    res.once("finish", resolve)
    res.once("close", resolve)
  })
}

/** `next` called at most once: by `handOver` (on to the route, or an error), or never after `answered` (the middleware answered itself). */
export function handOverOnce(next: MedusaNextFunction) {
  let done = false
  return {
    handOver(error?: unknown): void {
      if (done) return
      done = true
      next(error)
    },
    answered(): void {
      done = true
    },
  }
}
