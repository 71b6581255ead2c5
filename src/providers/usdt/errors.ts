/**
 * Turns a gateway failure into a MedusaError whose message reaches the person who acted (the
 * shopper at checkout, the admin refunding) with the gateway's own words. Medusa hides the
 * message of a 5xx-class error, so every gateway failure uses a 4xx-class type and a stable
 * `code` that a client can branch on. Messages never carry a secret (the core redacts them).
 */
import { MedusaError } from "@medusajs/framework/utils"
import {
  GatewayAuthError,
  GatewayError,
  GatewayInputError,
  GatewayRateLimitError,
  GatewayValidationError,
} from "../../gateway"

export type GatewayAction = "open the USDT checkout" | "check the USDT payment" | "refund the USDT payment" | "check the USDT payment's refunds"

export const USDT_ERROR_CODES = {
  refused: "usdt_gateway_refused",
  credentials: "usdt_gateway_credentials",
  rateLimited: "usdt_gateway_rate_limited",
  unavailable: "usdt_gateway_unavailable",
  invalid: "usdt_invalid_request",
} as const

export function toMedusaError(error: unknown, action: GatewayAction): Error {
  if (MedusaError.isMedusaError(error) || !(error instanceof GatewayError)) {
    return error instanceof Error ? error : new Error(String(error))
  }
  const NOT_ALLOWED = MedusaError.Types.NOT_ALLOWED
  if (error instanceof GatewayValidationError) {
    return new MedusaError(MedusaError.Types.INVALID_DATA, `The USDT gateway refused to ${action}: ${error.message}`, USDT_ERROR_CODES.refused)
  }
  if (error instanceof GatewayInputError) {
    return new MedusaError(MedusaError.Types.INVALID_DATA, `Could not ${action}: ${error.message}`, USDT_ERROR_CODES.invalid)
  }
  if (error instanceof GatewayAuthError) {
    return new MedusaError(
      NOT_ALLOWED,
      `Could not ${action}: the gateway refused the store's USDT credentials (401). Check the merchant id and payment API key in the USDT payment settings.`,
      USDT_ERROR_CODES.credentials
    )
  }
  if (error instanceof GatewayRateLimitError) {
    const seconds = Math.ceil(error.retryAfterMs / 1000)
    return new MedusaError(
      NOT_ALLOWED,
      `Could not ${action}: the USDT gateway is rate limiting this store (429). Nothing was changed; try again in ${seconds}s.`,
      USDT_ERROR_CODES.rateLimited
    )
  }
  const outcomes: Record<GatewayAction, string> = {
    "open the USDT checkout": "Nothing was charged; try again in a moment.",
    "check the USDT payment": "Nothing was charged; try again in a moment.",
    "refund the USDT payment": "The refund may or may not have been made: check the gateway dashboard before trying again.",
    "check the USDT payment's refunds": "Nothing was refunded; try again in a moment.",
  }
  const outcome = outcomes[action]
  return new MedusaError(NOT_ALLOWED, `Could not ${action}: the USDT gateway is unavailable (${error.message}). ${outcome}`, USDT_ERROR_CODES.unavailable)
}

/** Runs a gateway call, rethrowing its failure as a MedusaError. */
export async function gatewayCall<T>(action: GatewayAction, call: () => Promise<T>): Promise<T> {
  try {
    return await call()
  } catch (error) {
    throw toMedusaError(error, action)
  }
}
