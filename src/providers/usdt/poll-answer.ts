/**
 * What a storefront poll of `POST /store/carts/:id/complete` is told while its USDT payment is
 * not there: the same words whether the answer comes from the completeCartWorkflow's validate
 * hook (src/workflows/hooks/usdt-cart-completion.ts) or, between two gateway checks, straight
 * from the session data before any workflow runs (src/api/store/usdt-complete-poll.ts).
 */
import { MedusaError, PaymentSessionStatus } from "@medusajs/framework/utils"

export const USDT_NOT_PAID_CODE = "usdt_not_paid"

const WAITING: Partial<Record<string, string>> = {
  [PaymentSessionStatus.PENDING]:
    "The USDT payment has not arrived yet: the gateway does not report this checkout as paid. Try again in a few seconds.",
  [PaymentSessionStatus.REQUIRES_MORE]:
    "The USDT payment is less than the cart total: the checkout was underpaid and is not captured.",
  [PaymentSessionStatus.CANCELED]: "The USDT checkout expired or was canceled unpaid: start a new payment session.",
}

/** The storefront's answer (400 not_allowed) for a session in `status`, or null when there is none to give. */
export function notPaidError(status: string): MedusaError | null {
  const message = WAITING[status]
  return message ? new MedusaError(MedusaError.Types.NOT_ALLOWED, message, USDT_NOT_PAID_CODE) : null
}
