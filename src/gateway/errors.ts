/**
 * Every failure of the gateway core is a GatewayError with a stable `code`, so callers branch
 * on the kind of failure instead of parsing strings. `retryable` says whether repeating the same
 * call may succeed. Messages never carry the API key or the webhook secret.
 */

export type GatewayErrorCode =
  | "invalid_input"
  | "invalid_config"
  | "unauthorized"
  | "not_found"
  | "validation"
  | "rate_limited"
  | "server_error"
  | "network"
  | "timeout"
  | "contract_violation"

export interface GatewayErrorDetails {
  status?: number
  /** Raw response body as the gateway sent it, parsed when it was JSON. */
  raw?: unknown
  /** Field names and their messages, for 422. */
  fields?: Record<string, string[]>
  /** How long to wait before the next try, for 429. */
  retryAfterMs?: number
  cause?: unknown
}

export class GatewayError extends Error {
  readonly code: GatewayErrorCode
  readonly status?: number
  readonly raw?: unknown
  readonly retryable: boolean

  constructor(code: GatewayErrorCode, message: string, retryable: boolean, details: GatewayErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause })
    this.name = new.target.name
    this.code = code
    this.retryable = retryable
    this.status = details.status
    this.raw = details.raw
  }
}

/** Bad input caught before any request was sent (an amount with three decimals, say). */
export class GatewayInputError extends GatewayError {
  constructor(message: string, readonly field?: string) {
    super("invalid_input", message, false)
  }
}

/** The client's configuration cannot work; the message names every offending option. */
export class GatewayConfigError extends GatewayError {
  constructor(message: string) {
    super("invalid_config", message, false)
  }
}

/** 401: missing or wrong API key, merchant id not the key's owner, or inactive merchant. */
export class GatewayAuthError extends GatewayError {
  constructor(message: string, details: GatewayErrorDetails = {}) {
    super("unauthorized", message, false, details)
  }
}

/** 404: the payment does not exist or belongs to another merchant. */
export class GatewayNotFoundError extends GatewayError {
  constructor(message: string, details: GatewayErrorDetails = {}) {
    super("not_found", message, false, details)
  }
}

/** 422: the gateway refused the request's content; `fields` holds its per-field messages. */
export class GatewayValidationError extends GatewayError {
  readonly fields: Record<string, string[]>
  constructor(message: string, details: GatewayErrorDetails = {}) {
    super("validation", message, false, details)
    this.fields = details.fields ?? {}
  }
}

/** 429: over the merchant's request budget. `retryAfterMs` is the gateway's wait. */
export class GatewayRateLimitError extends GatewayError {
  readonly retryAfterMs: number
  constructor(message: string, details: GatewayErrorDetails & { retryAfterMs: number }) {
    super("rate_limited", message, true, details)
    this.retryAfterMs = details.retryAfterMs
  }
}

/** 5xx: gateway trouble. Safe to retry only for idempotent calls. */
export class GatewayServerError extends GatewayError {
  constructor(message: string, details: GatewayErrorDetails = {}) {
    super("server_error", message, true, details)
  }
}

/** Connection refused or reset, DNS failure: the request may or may not have arrived. */
export class GatewayNetworkError extends GatewayError {
  constructor(message: string, details: GatewayErrorDetails = {}) {
    super("network", message, true, details)
  }
}

/** Connect, headers or body timeout. */
export class GatewayTimeoutError extends GatewayError {
  constructor(message: string, details: GatewayErrorDetails = {}) {
    super("timeout", message, true, details)
  }
}

/** The gateway answered something the contract does not allow; `path` names the field. */
export class GatewayContractError extends GatewayError {
  constructor(message: string, readonly path: string, details: GatewayErrorDetails = {}) {
    super("contract_violation", message, false, details)
  }
}

export function isGatewayError(error: unknown): error is GatewayError {
  return error instanceof GatewayError
}

/** Replaces every occurrence of each secret in a text with a fixed marker. */
export function redact(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text
  for (const secret of secrets) {
    if (secret && secret.length >= 4) {
      out = out.split(secret).join("[redacted]")
    }
  }
  return out
}
