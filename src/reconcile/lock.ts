/**
 * One reconciliation at a time across every Medusa instance that shares the locking module's
 * provider (Redis or PostgreSQL in production; in-memory within one process): the run takes a
 * lease on one key without waiting, renews it while it works, and gives it back at the end. A
 * crashed instance's lease runs out by itself. A second run is refused at once, never queued.
 */
import { randomUUID } from "node:crypto"
import { MedusaError } from "@medusajs/framework/utils"

export const RECONCILE_LOCK_KEY = "usdt:reconcile"

/** What a run needs of Medusa's locking module (`Modules.LOCKING`) or of one of its providers. */
export interface LockService {
  acquire(keys: string | string[], args?: { ownerId?: string | null; expire?: number }): Promise<void>
  release(keys: string | string[], args?: { ownerId?: string | null }): Promise<boolean>
}

export class ReconcileAlreadyRunningError extends Error {
  constructor() {
    super("A USDT reconciliation run is already in progress (on this or another instance); try again when it ends")
    this.name = "ReconcileAlreadyRunningError"
  }
}

export class ReconcileLockLostError extends Error {
  constructor(cause: unknown) {
    super("The USDT reconciliation lost its lock (its lease ran out and another run may have started); it stopped", { cause })
    this.name = "ReconcileLockLostError"
  }
}

export interface RunLock {
  readonly ownerId: string
  /** Extends the lease when a third of it has passed; throws ReconcileLockLostError when another run holds it. */
  renew(): Promise<void>
  release(): Promise<void>
}

/**
 * How Medusa's providers refuse a key another owner holds: "Failed to acquire lock for key …"
 * (in-memory, PostgreSQL; a CONFLICT MedusaError from Redis) or "… is already locked."
 * (PostgreSQL, when two insert at once).
 */
function isHeldElsewhere(error: unknown): boolean {
  if (error instanceof MedusaError && error.type === MedusaError.Types.CONFLICT) return true
  return error instanceof Error && /failed to acquire lock|is already locked/i.test(error.message)
}

export async function acquireRunLock(
  locking: LockService,
  options: { leaseSeconds: number; key?: string; now?: () => number }
): Promise<RunLock> {
  const key = options.key ?? RECONCILE_LOCK_KEY
  const now = options.now ?? Date.now
  const ownerId = `usdt-reconcile:${randomUUID()}`
  const lease = { ownerId, expire: options.leaseSeconds }
  try {
    await locking.acquire(key, lease)
  } catch (error) {
    if (isHeldElsewhere(error)) throw new ReconcileAlreadyRunningError()
    throw error
  }
  let renewedAt = now()
  let released = false
  return {
    ownerId,
    async renew() {
      if (released || now() - renewedAt < (options.leaseSeconds * 1000) / 3) return
      try {
        await locking.acquire(key, lease)
      } catch (error) {
        throw new ReconcileLockLostError(error)
      }
      renewedAt = now()
    },
    async release() {
      if (released) return
      released = true
      await locking.release(key, { ownerId })
    },
  }
}
