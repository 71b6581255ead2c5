/**
 * Turns a gateway failure into a MedusaError whose message reaches the person who acted (the
 * shopper at checkout, the admin refunding) with the gateway's own words. Medusa hides the
 * message of a 5xx-class error, so every gateway failure uses a 4xx-class type and a stable
 * `code` that a client can branch on. The core's own `code` and `retryable` travel with it
 * (`UsdtGatewayError`, read back by `gatewayFailureOf`), so that callers decide on them and
 * never on the message. Messages never carry a secret (the core redacts them).
 */
import { MedusaError } from "@medusajs/framework/utils"
import {
  GatewayAuthError,
  GatewayContractError,
  GatewayError,
  type GatewayErrorCode,
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
  contract: "usdt_gateway_contract",
} as const

/** A gateway failure as Medusa sees it, still carrying the core's `gatewayCode` and `retryable`. */
export class UsdtGatewayError extends MedusaError {
  readonly gatewayCode: GatewayErrorCode
  readonly retryable: boolean
  constructor(type: string, message: string, code: string, cause: GatewayError) {
    super(type, message, code)
    this.gatewayCode = cause.code
    this.retryable = cause.retryable
    this.cause = cause
  }
}

export interface GatewayFailure {
  gatewayCode: GatewayErrorCode
  retryable: boolean
}

function readFailure(value: unknown): GatewayFailure | null {
  if (typeof value !== "object" || value === null) return null
  if (value instanceof GatewayError) return { gatewayCode: value.code, retryable: value.retryable }
  const code: unknown = Reflect.get(value, "gatewayCode")
  const retryable: unknown = Reflect.get(value, "retryable")
  return typeof code === "string" && typeof retryable === "boolean" ? { gatewayCode: code as GatewayErrorCode, retryable } : null
}

/**
 * The gateway failure behind an error, if one is: the error itself or any of its causes. Read
 * by property (not class), so that it survives an error passed through another copy of a module.
 */
export function gatewayFailureOf(error: unknown): GatewayFailure | null {
  let current: unknown = error
  for (let depth = 0; depth < 5 && typeof current === "object" && current !== null; depth++) {
    const failure = readFailure(current)
    if (failure) return failure
    current = Reflect.get(current, "cause")
  }
  return null
}

export function toMedusaError(error: unknown, action: GatewayAction): Error {
  if (MedusaError.isMedusaError(error) || !(error instanceof GatewayError)) {
    return error instanceof Error ? error : new Error(String(error))
  }
  const NOT_ALLOWED = MedusaError.Types.NOT_ALLOWED
  const carry = (type: string, message: string, code: string) => new UsdtGatewayError(type, message, code, error)
  if (error instanceof GatewayValidationError) {
    return carry(MedusaError.Types.INVALID_DATA, `The USDT gateway refused to ${action}: ${error.message}`, USDT_ERROR_CODES.refused)
  }
  if (error instanceof GatewayInputError) {
    return carry(MedusaError.Types.INVALID_DATA, `Could not ${action}: ${error.message}`, USDT_ERROR_CODES.invalid)
  }
  if (error instanceof GatewayContractError) {
    // Not "unavailable": repeating the call gets the same answer. The admin must see it.
    return carry(NOT_ALLOWED, `Could not ${action}: ${error.message.replace(/^The gateway/, "the gateway")}`, USDT_ERROR_CODES.contract)
  }
  if (error instanceof GatewayAuthError) {
    return carry(
      NOT_ALLOWED,
      `Could not ${action}: the gateway refused the store's USDT credentials (401). Check the merchant id and payment API key in the USDT payment settings.`,
      USDT_ERROR_CODES.credentials
    )
  }
  if (error instanceof GatewayRateLimitError) {
    const seconds = Math.ceil(error.retryAfterMs / 1000)
    return carry(
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
  return carry(NOT_ALLOWED, `Could not ${action}: the USDT gateway is unavailable (${error.message}). ${outcome}`, USDT_ERROR_CODES.unavailable)
}

/** Runs a gateway call, rethrowing its failure as a MedusaError. */
export async function gatewayCall<T>(action: GatewayAction, call: () => Promise<T>): Promise<T> {
  try {
    return await call()
  } catch (error) {
    throw toMedusaError(error, action)
  }
}
