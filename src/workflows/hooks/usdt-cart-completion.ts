/**
 * "Not paid yet" is a normal answer, not an error in the store's log.
 *
 * A storefront polls `POST /store/carts/:id/complete` until the USDT payment arrives. Left to
 * itself, completeCartWorkflow creates the order, then authorizes the session last; the payment
 * module turns the provider's `pending` into a thrown NOT_ALLOWED, Medusa's authorize step logs
 * it as "error: Error was thrown trying to authorize payment session", and the order is rolled
 * back, on every poll. This `validate` hook (it runs under the cart's lock, before the order is
 * created) authorizes a USDT session first, exactly as the webhook's completion path does: the
 * provider asks the gateway once, a paid checkout becomes the payment and its capture, and the
 * authorize step that comes later finds it done. An unpaid, underpaid or expired checkout ends
 * the workflow here with a NOT_ALLOWED (400, logged at info) saying which, and no order is made.
 * Between two gateway checks of an unpaid session, the same answer comes from
 * src/api/store/usdt-complete-poll.ts before this workflow (and its cart lock) runs at all.
 */
import type { IPaymentModuleService } from "@medusajs/framework/types"
import { MedusaError, Modules, PaymentSessionStatus } from "@medusajs/framework/utils"
import { completeCartWorkflow } from "@medusajs/medusa/core-flows"
import { z } from "zod"
import { notPaidError } from "../../providers/usdt/poll-answer"
import { USDT_PAYMENT_PROVIDER_ID } from "../../providers/usdt/registration"

const completingCart = z.looseObject({
  completed_at: z.union([z.string(), z.date()]).nullish(),
  payment_collection: z
    .looseObject({
      payment_sessions: z.array(z.looseObject({ id: z.string(), provider_id: z.string(), status: z.string() })).nullish(),
    })
    .nullish(),
})

/** The cart's USDT session that still needs authorizing, if any. */
export function usdtSessionToAuthorize(cart: unknown): { id: string } | null {
  const parsed = completingCart.safeParse(cart)
  if (!parsed.success || parsed.data.completed_at) return null
  const sessions = parsed.data.payment_collection?.payment_sessions ?? []
  const session = sessions.find((s) => s.provider_id === USDT_PAYMENT_PROVIDER_ID)
  if (!session || session.status === PaymentSessionStatus.AUTHORIZED || session.status === PaymentSessionStatus.CAPTURED) return null
  return { id: session.id }
}

completeCartWorkflow.hooks.validate(async ({ cart }, { container }) => {
  const session = usdtSessionToAuthorize(cart)
  if (!session) return
  const payments: IPaymentModuleService = container.resolve(Modules.PAYMENT)
  try {
    await payments.authorizePaymentSession(session.id, {})
  } catch (error) {
    if (!MedusaError.isMedusaError(error) || error.type !== MedusaError.Types.NOT_ALLOWED) throw error
    const { status } = await payments.retrievePaymentSession(session.id, { select: ["id", "status"] })
    throw notPaidError(status) ?? error
  }
})
