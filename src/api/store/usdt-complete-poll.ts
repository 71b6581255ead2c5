/**
 * POST /store/carts/:id/complete for a cart whose USDT payment is not there, between two
 * gateway checks (poll-budget.ts: one per session per `storefrontPollIntervalMs`): answered here
 * from the session data, exactly as the validate hook would answer it, without running
 * completeCartWorkflow. That workflow holds the cart's lock from its first step and reads the
 * whole cart twice: run for every 2 s poll of every waiting shopper, it spent the CPU and the
 * lock the webhook needs to make the order (the overload ran at 6 paid orders a minute against
 * a 60 a minute budget). Anything else (no USDT session, a check due, paid, authorized, a
 * completed cart) goes on to Medusa's route unchanged.
 */
import type { MedusaNextFunction, MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { ContainerRegistrationKeys, PaymentSessionStatus } from "@medusajs/framework/utils"
import { z } from "zod"
import { notPaidError } from "../../providers/usdt/poll-answer"
import { answerBetweenPolls, DEFAULT_STOREFRONT_POLL_INTERVAL_MS } from "../../providers/usdt/poll-budget"
import { USDT_PAYMENT_PROVIDER_ID, usdtRegistration } from "../../providers/usdt/registration"

const cartSchema = z.looseObject({
  completed_at: z.union([z.string(), z.date()]).nullish(),
  payment_collection: z
    .looseObject({
      payment_sessions: z
        .array(z.looseObject({ provider_id: z.string(), status: z.string(), data: z.record(z.string(), z.unknown()).nullish() }))
        .nullish(),
    })
    .nullish(),
})

const WAITING_STATUSES: ReadonlySet<string> = new Set([PaymentSessionStatus.PENDING, PaymentSessionStatus.REQUIRES_MORE])

export async function usdtCompletePoll(req: MedusaRequest, _res: MedusaResponse, next: MedusaNextFunction): Promise<void> {
  let answer: Error | null
  try {
    answer = await answerFromSession(req)
  } catch {
    // Reading the cart failed: Medusa's own route decides (and reports) as it would without this.
    answer = null
  }
  return answer ? next(answer) : next()
}

/** The not-paid answer the session data already gives, or null when the workflow must run. */
async function answerFromSession(req: MedusaRequest): Promise<Error | null> {
  const cartId = req.params.id
  if (!cartId) return null
  const query = req.scope.resolve(ContainerRegistrationKeys.QUERY)
  const { data } = await query.graph({
    entity: "cart",
    fields: ["id", "completed_at", "payment_collection.payment_sessions.provider_id", "payment_collection.payment_sessions.status", "payment_collection.payment_sessions.data"],
    filters: { id: cartId },
  })
  const cart = cartSchema.safeParse(Array.isArray(data) ? data[0] : undefined)
  if (!cart.success || cart.data.completed_at) return null
  const sessions = cart.data.payment_collection?.payment_sessions ?? []
  // Only a cart whose one session is a waiting USDT one: any other is Medusa's to judge.
  if (sessions.length !== 1 || sessions[0].provider_id !== USDT_PAYMENT_PROVIDER_ID || !WAITING_STATUSES.has(sessions[0].status)) return null
  const interval = usdtRegistration(req.scope).options.storefrontPollIntervalMs ?? DEFAULT_STOREFRONT_POLL_INTERVAL_MS
  const known = answerBetweenPolls(sessions[0].data, Date.now(), interval)
  return known ? notPaidError(known.status) : null
}
