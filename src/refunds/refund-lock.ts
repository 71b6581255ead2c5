/**
 * One refund of an order at a time, across every instance sharing Medusa's locking module
 * (Redis-backed when Medusa is configured with the Redis locking provider, in-memory within one
 * process otherwise). A second refund waits its turn (up to REFUND_LOCK_WAIT_SECONDS), it is
 * not refused: Medusa's refund workflow corrupts the order when two run at once.
 */
import type { MedusaContainer } from "@medusajs/framework/types"
import { MedusaError, Modules } from "@medusajs/framework/utils"

export const REFUND_LOCK_WAIT_SECONDS = 120

/** The lock of every refund of one order (or of one payment that belongs to no order). */
export function refundLockKey(orderOrPaymentId: string): string {
  return `usdt:refund:${orderOrPaymentId}`
}

/** What the refund lock needs of Medusa's locking module (or of one of its providers). */
export interface RefundLocking {
  execute<T>(keys: string | string[], job: () => Promise<T>, args?: { timeout?: number }): Promise<T>
}

export function refundLockingOf(scope: MedusaContainer): RefundLocking {
  return scope.resolve(Modules.LOCKING)
}

/** Runs `job` holding the keys; waits up to `waitSeconds` for them, then refuses with a clear message (nothing was done). */
export async function withRefundLock<T>(locking: RefundLocking, key: string | string[], job: () => Promise<T>, waitSeconds = REFUND_LOCK_WAIT_SECONDS): Promise<T> {
  let started = false
  try {
    return await locking.execute(
      key,
      () => {
        started = true
        return job()
      },
      { timeout: waitSeconds }
    )
  } catch (error) {
    if (started) throw error
    throw new MedusaError(
      MedusaError.Types.NOT_ALLOWED,
      `Another refund of this order was still running after ${waitSeconds} s; nothing was refunded. Try again in a moment.`,
      "usdt_refund_busy"
    )
  }
}
