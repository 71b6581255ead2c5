import { InMemoryLockingProvider } from "@medusajs/locking/dist/providers/in-memory"
import { acquireRunLock, type LockService, ReconcileAlreadyRunningError, ReconcileLockLostError } from "../../src/reconcile/lock"

describe("the reconciliation run lock", () => {
  it("refuses a second run at once while the first holds it, and lets the next one in after release", async () => {
    const locking = new InMemoryLockingProvider()
    const first = await acquireRunLock(locking, { leaseSeconds: 60 })
    const started = Date.now()
    await expect(acquireRunLock(locking, { leaseSeconds: 60 })).rejects.toBeInstanceOf(ReconcileAlreadyRunningError)
    expect(Date.now() - started).toBeLessThan(500)
    await first.release()
    const second = await acquireRunLock(locking, { leaseSeconds: 60 })
    await second.release()
  })

  it("a crashed run's lease runs out, and the holder then finds out it lost the lock", async () => {
    let clock = 0
    const locking = new InMemoryLockingProvider()
    const crashed = await acquireRunLock(locking, { leaseSeconds: 1, now: () => clock })
    await new Promise((resolve) => setTimeout(resolve, 1_100))
    const next = await acquireRunLock(locking, { leaseSeconds: 60 })
    clock = 5_000
    await expect(crashed.renew()).rejects.toBeInstanceOf(ReconcileLockLostError)
    // Releasing a lock it no longer owns leaves the new holder's lock alone.
    await crashed.release()
    await expect(acquireRunLock(locking, { leaseSeconds: 60 })).rejects.toBeInstanceOf(ReconcileAlreadyRunningError)
    await next.release()
  })

  it("renews the lease only once a third of it has passed", async () => {
    let clock = 0
    const calls: string[] = []
    const locking: LockService = {
      acquire: async (_key, args) => {
        calls.push(`acquire ${args?.expire}`)
      },
      release: async () => {
        calls.push("release")
        return true
      },
    }
    const lock = await acquireRunLock(locking, { leaseSeconds: 90, now: () => clock })
    clock = 29_000
    await lock.renew()
    clock = 30_000
    await lock.renew()
    await lock.release()
    await lock.renew()
    expect(calls).toEqual(["acquire 90", "acquire 90", "release"])
  })

  it("passes on a failure that is not a held lock", async () => {
    const locking: LockService = {
      acquire: async () => {
        throw new Error("ECONNREFUSED 127.0.0.1:6379")
      },
      release: async () => true,
    }
    await expect(acquireRunLock(locking, { leaseSeconds: 60 })).rejects.toThrow(/ECONNREFUSED/)
  })
})
