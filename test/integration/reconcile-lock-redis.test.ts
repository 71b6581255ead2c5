/**
 * Two Medusa instances sharing Redis through @medusajs/locking-redis: the reconciliation lock
 * lets one run at a time across them. Needs Redis at REDIS_URL (default redis://127.0.0.1:6379).
 */
import { acquireRunLock, ReconcileAlreadyRunningError, ReconcileLockLostError } from "../../src/reconcile/lock"
import { useRedisLockingInstances } from "./redis-locking"

describe("the reconciliation lock across instances (Redis)", () => {
  const instance = useRedisLockingInstances()
  const key = `usdt:reconcile:test:${process.pid}:${Date.now()}`

  it("a second instance is refused while the first runs, and gets in once it is done", async () => {
    const a = instance()
    const b = instance()
    const first = await acquireRunLock(a, { leaseSeconds: 30, key })
    await expect(acquireRunLock(b, { leaseSeconds: 30, key })).rejects.toBeInstanceOf(ReconcileAlreadyRunningError)
    await first.release()
    const second = await acquireRunLock(b, { leaseSeconds: 30, key })
    await expect(acquireRunLock(a, { leaseSeconds: 30, key })).rejects.toBeInstanceOf(ReconcileAlreadyRunningError)
    await second.release()
  })

  it("a lease that ran out lets the other instance in, and the first then stops on renewal", async () => {
    const a = instance()
    const b = instance()
    let clock = 0
    const stale = await acquireRunLock(a, { leaseSeconds: 1, key, now: () => clock })
    await new Promise((resolve) => setTimeout(resolve, 1_300))
    const fresh = await acquireRunLock(b, { leaseSeconds: 30, key })
    clock = 10_000
    await expect(stale.renew()).rejects.toBeInstanceOf(ReconcileLockLostError)
    await fresh.release()
  })
})
