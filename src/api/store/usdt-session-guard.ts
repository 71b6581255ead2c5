/**
 * Guards POST /store/payment-collections/:id/payment-sessions for the USDT provider before
 * Medusa replaces the cart's session: the storefront's data is checked (only success_url and
 * cancel_url, on a storefront origin: else 400, as the provider itself would refuse), and a
 * cart that opened its hourly share of gateway checkouts gets a 429 with Retry-After, unless
 * the session would reuse an open checkout (no gateway request). The provider applies the same
 * rules (checkout-plan.ts), so another path to it meets them too.
 */
import type { MedusaNextFunction, MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { ContainerRegistrationKeys, MedusaError } from "@medusajs/framework/utils"
import { z } from "zod"
import { usdtGatewayIn } from "../../modules/usdt-gateway/saved-credentials"
import { centsOf } from "../../providers/usdt/checkout"
import { planCheckout } from "../../providers/usdt/checkout-plan"
import { DEFAULT_MAX_CHECKOUTS_PER_CART_PER_HOUR } from "../../providers/usdt/options"
import { USDT_PAYMENT_PROVIDER_ID, usdtRegistration } from "../../providers/usdt/registration"
import { CheckoutLimitError } from "../../providers/usdt/session-checkout"
import { readStorefrontUrls, storefrontOriginRules } from "../../providers/usdt/storefront-data"

const bodySchema = z.looseObject({ provider_id: z.string().optional(), data: z.record(z.string(), z.unknown()).nullish() })
const collectionSchema = z.looseObject({ id: z.string(), amount: z.union([z.number(), z.string()]) })

export async function usdtSessionGuard(req: MedusaRequest, res: MedusaResponse, next: MedusaNextFunction): Promise<void> {
  const body = bodySchema.safeParse(req.body)
  if (!body.success || body.data.provider_id !== USDT_PAYMENT_PROVIDER_ID) return next()
  const { options } = usdtRegistration(req.scope)
  const config = req.scope.resolve(ContainerRegistrationKeys.CONFIG_MODULE)
  try {
    readStorefrontUrls(body.data.data ?? {}, storefrontOriginRules(options, config.projectConfig.http.storeCors), true)
  } catch (error) {
    if (!MedusaError.isMedusaError(error)) throw error
    res.status(400).json({ type: "invalid_data", code: "usdt_invalid_session_data", message: error instanceof Error ? error.message : String(error) })
    return
  }
  const ledger = usdtGatewayIn(req.scope)
  const collectionId = req.params.id
  if (!ledger || !collectionId) return next()
  const query = req.scope.resolve(ContainerRegistrationKeys.QUERY)
  const { data } = await query.graph({ entity: "payment_collection", fields: ["id", "amount"], filters: { id: collectionId } })
  const collection = collectionSchema.safeParse(Array.isArray(data) ? data[0] : undefined)
  if (!collection.success) return next()
  const maxPerHour = options.maxCheckoutsPerCartPerHour ?? DEFAULT_MAX_CHECKOUTS_PER_CART_PER_HOUR
  const records = await ledger.listCheckoutRecords({ payment_collection_id: collectionId })
  const plan = planCheckout(records, { sessionId: "", amountCents: centsOf(collection.data.amount), maxPerHour })
  if (plan.kind === "limited") {
    const refusal = new CheckoutLimitError(plan.retryAfterMs, maxPerHour)
    res.setHeader("Retry-After", String(Math.ceil(plan.retryAfterMs / 1000)))
    res.status(429).json({ type: "too_many_requests", code: CheckoutLimitError.code, message: refusal.message })
    return
  }
  next()
}
