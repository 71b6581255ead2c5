/**
 * Guards POST /store/payment-collections/:id/payment-sessions for the USDT provider before
 * Medusa replaces the cart's session:
 *  - a cart past its share of session requests (`sessionRequestsPerCartPerMinute`, default 10)
 *    gets a 429 with Retry-After, held for a second first: a script looping on one cart costs
 *    the store a timer, not the CPU other shoppers' checkouts need (session-request-rate.ts);
 *  - the storefront's data is checked (only success_url and cancel_url, on a storefront origin:
 *    else 400, as the provider itself would refuse);
 *  - a cart that opened its hourly share of gateway checkouts gets a 429 with Retry-After,
 *    unless the session would reuse an open checkout (no gateway request);
 *  - one request per cart at a time (Medusa's locking module, so across instances with the
 *    Redis locking provider) until its answer is sent: Medusa deletes the cart's old sessions
 *    before it creates the new one, and two requests racing there answered 500 ("Could not
 *    delete all payment sessions").
 * The provider applies the data and checkout rules too (checkout-plan.ts), so another path to
 * it meets them.
 */
import type { MedusaNextFunction, MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { ContainerRegistrationKeys, MedusaError, Modules } from "@medusajs/framework/utils"
import { z } from "zod"
import { usdtGatewayIn } from "../../modules/usdt-gateway/saved-credentials"
import { centsOf } from "../../providers/usdt/checkout"
import { planCheckout } from "../../providers/usdt/checkout-plan"
import { DEFAULT_MAX_CHECKOUTS_PER_CART_PER_HOUR, DEFAULT_SESSION_REQUESTS_PER_CART_PER_MINUTE } from "../../providers/usdt/options"
import { USDT_PAYMENT_PROVIDER_ID, usdtRegistration } from "../../providers/usdt/registration"
import { CheckoutLimitError } from "../../providers/usdt/session-checkout"
import { readStorefrontUrls, storefrontOriginRules } from "../../providers/usdt/storefront-data"
import { handOverOnce, untilAnswered } from "../until-answered"
import { sessionRequestRate } from "./session-request-rate"

const bodySchema = z.looseObject({ provider_id: z.string().optional(), data: z.record(z.string(), z.unknown()).nullish() })
const collectionSchema = z.looseObject({ id: z.string(), amount: z.union([z.number(), z.string()]) })

/** How long a refusal for too many session requests is held before it is sent. */
export const SESSION_REFUSAL_HOLD_MS = 1_000
/** How long a request waits for the cart's previous one before it is refused (409). */
export const SESSION_LOCK_WAIT_SECONDS = 20

interface Refusal {
  status: number
  body: { type: string; code: string; message: string }
  retryAfterMs?: number
}

async function refusalOf(req: MedusaRequest, data: Record<string, unknown>): Promise<Refusal | null> {
  const { options } = usdtRegistration(req.scope)
  const collectionId = req.params.id
  const perMinute = options.sessionRequestsPerCartPerMinute ?? DEFAULT_SESSION_REQUESTS_PER_CART_PER_MINUTE
  const rate = collectionId ? sessionRequestRate.take(collectionId, perMinute) : { allowed: true as const }
  if (!rate.allowed) {
    await new Promise((resolve) => setTimeout(resolve, SESSION_REFUSAL_HOLD_MS))
    return {
      status: 429,
      retryAfterMs: rate.retryAfterMs,
      body: {
        type: "too_many_requests",
        code: "usdt_session_rate",
        message: `This cart asked for ${perMinute} USDT payment sessions in the last minute, the most allowed: use the session it has, or try again in ${Math.ceil(rate.retryAfterMs / 1000)} s.`,
      },
    }
  }
  const config = req.scope.resolve(ContainerRegistrationKeys.CONFIG_MODULE)
  try {
    readStorefrontUrls(data, storefrontOriginRules(options, config.projectConfig.http.storeCors), true)
  } catch (error) {
    if (!MedusaError.isMedusaError(error)) throw error
    return { status: 400, body: { type: "invalid_data", code: "usdt_invalid_session_data", message: error instanceof Error ? error.message : String(error) } }
  }
  const ledger = usdtGatewayIn(req.scope)
  if (!ledger || !collectionId) return null
  const query = req.scope.resolve(ContainerRegistrationKeys.QUERY)
  const { data: rows } = await query.graph({ entity: "payment_collection", fields: ["id", "amount"], filters: { id: collectionId } })
  const collection = collectionSchema.safeParse(Array.isArray(rows) ? rows[0] : undefined)
  if (!collection.success) return null
  const maxPerHour = options.maxCheckoutsPerCartPerHour ?? DEFAULT_MAX_CHECKOUTS_PER_CART_PER_HOUR
  const records = await ledger.listCheckoutRecords({ payment_collection_id: collectionId })
  const plan = planCheckout(records, { sessionId: "", amountCents: centsOf(collection.data.amount), maxPerHour })
  if (plan.kind !== "limited") return null
  const refusal = new CheckoutLimitError(plan.retryAfterMs, maxPerHour)
  return { status: 429, retryAfterMs: plan.retryAfterMs, body: { type: "too_many_requests", code: CheckoutLimitError.code, message: refusal.message } }
}

export function usdtSessionGuard(req: MedusaRequest, res: MedusaResponse, next: MedusaNextFunction): void {
  const body = bodySchema.safeParse(req.body)
  if (!body.success || body.data.provider_id !== USDT_PAYMENT_PROVIDER_ID) return next()
  const { handOver, answered } = handOverOnce(next)
  const run = async () => {
    const refusal = await refusalOf(req, body.data.data ?? {})
    if (refusal) {
      if (refusal.retryAfterMs !== undefined) res.setHeader("Retry-After", String(Math.max(1, Math.ceil(refusal.retryAfterMs / 1000))))
      answered()
      res.status(refusal.status).json(refusal.body)
      return
    }
    const collectionId = req.params.id
    if (!collectionId) return handOver()
    let started = false
    try {
      await req.scope.resolve(Modules.LOCKING).execute(
        `usdt:payment-sessions:${collectionId}`,
        async () => {
          started = true
          const answered = untilAnswered(res)
          handOver()
          await answered
        },
        { timeout: SESSION_LOCK_WAIT_SECONDS }
      )
    } catch (error) {
      if (started) throw error
      res.status(409).json({
        type: "conflict",
        code: "usdt_session_busy",
        message: `Another payment session request for this cart was still running after ${SESSION_LOCK_WAIT_SECONDS} s; try again in a moment.`,
      })
      answered()
    }
  }
  run().catch(handOver)
}
