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

export async function withRefundLock<T>(scope: MedusaContainer, key: string | string[], job: () => Promise<T>): Promise<T> {
  const locking = scope.resolve(Modules.LOCKING)
  let started = false
  try {
    return await locking.execute(
      key,
      () => {
        started = true
        return job()
      },
      { timeout: REFUND_LOCK_WAIT_SECONDS }
    )
  } catch (error) {
    if (started) throw error
    throw new MedusaError(
      MedusaError.Types.NOT_ALLOWED,
      `Another refund of this order was still running after ${REFUND_LOCK_WAIT_SECONDS} s; nothing was refunded. Try again in a moment.`,
      "usdt_refund_busy"
    )
  }
}
