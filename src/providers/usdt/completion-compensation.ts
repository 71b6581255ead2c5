/**
 * Medusa's completeCartWorkflow (2.21) arms `compensatePaymentIfNeededStep` before it makes the
 * order: when any later step fails, its compensation refunds a captured payment of a cart that
 * has no order and re-creates the cart's payment session. A failure there is often passing: on a
 * busy store the inventory reservation waits at most 5 s for its lock ("Timed-out acquiring
 * lock.", answered 409), so two Medusa instances on one Redis lost a third of their raced carts
 * this way (the gateway payment refunded, the session replaced, no order).
 *
 * A USDT payment the gateway confirmed is not refunded for that: the cart is still open, and the
 * next completion (the storefront's next poll, the gateway's retried webhook, reconciliation)
 * makes the order with the same captured payment and session. So the provider refuses both
 * halves of that compensation (Medusa logs each refusal and goes on): the refund, and deleting
 * the session that holds the confirmed payment (which re-creating the session starts with). A
 * cart that can never be completed (out of stock) ends as "paid, no order" on the settings page,
 * with its one-click refund, instead of a refund nobody decided.
 */
import { z } from "zod"
import { retrieveModuleRow } from "./module-rows"
import { readSessionData } from "./session-data"

/** The note Medusa's compensation gives its refund (core-flows compensate-payment-if-needed). */
export const MEDUSA_COMPLETION_FAILURE_REFUND_NOTE = "Refunded due to cart completion failure"

const refundRow = z.looseObject({ note: z.string().nullish() })

/**
 * Reads the note of Medusa's refund `refundId` from the payment module's own refund service (the
 * provider's container is the payment module's); null when it cannot be read.
 */
export function refundNoteReader(cradle: Record<string, unknown>): (refundId: string) => Promise<string | null> {
  return async (refundId) => {
    const parsed = refundRow.safeParse(await retrieveModuleRow(cradle, "refundService", refundId, ["id", "note"]))
    return parsed.success ? (parsed.data.note ?? null) : null
  }
}

/** Whether Medusa's refund `refundId` is the compensation of a failed cart completion. */
export async function isCompletionFailureRefund(readNote: (refundId: string) => Promise<string | null>, refundId: string | undefined): Promise<boolean> {
  if (!refundId) return false
  return (await readNote(refundId)) === MEDUSA_COMPLETION_FAILURE_REFUND_NOTE
}

const CONFIRMED_PAID = new Set(["completed", "refunded", "partially_refunded"])

/**
 * Whether session data records a payment the gateway confirmed in full (what an authorization
 * saves): such a session is the cart's payment and is never deleted to make room for another.
 */
export function holdsConfirmedPayment(data: Record<string, unknown> | null | undefined): boolean {
  const current = readSessionData(data)
  return current.gateway_payment_id !== undefined && CONFIRMED_PAID.has(current.gateway_status ?? "") && !current.flags?.underpaid
}
