/**
 * One HTTP exchange with the gateway, and the policy around it: pacing under the merchant's
 * budget, 429 waits, retries with full-jitter backoff only where repeating is safe (GET, and
 * POST with an Idempotency-Key), and the mapping of every failure to a typed GatewayError.
 */
import { Pool, type Dispatcher } from "undici"
import type { z } from "zod"
import type { ResolvedConfig } from "./config"
import {
  GatewayAuthError,
  GatewayContractError,
  GatewayError,
  GatewayNetworkError,
  GatewayNotFoundError,
  GatewayRateLimitError,
  GatewayServerError,
  GatewayTimeoutError,
  GatewayValidationError,
  redact,
} from "./errors"
import type { Pacer, RequestPriority } from "./pacer"
import { errorBodySchema, issuePath } from "./contract"

export interface GatewayRequest<S extends z.ZodType> {
  method: "GET" | "POST"
  path: string
  query?: Record<string, string | number | undefined>
  body?: unknown
  idempotencyKey?: string
  /** false: never repeated after a 5xx or a timeout, even with an Idempotency-Key (a 429 is still waited out). */
  repeatable?: boolean
  /** Its place in the merchant's budget queue. Default "checkout". */
  priority?: RequestPriority
  /** Longest wait for a budget slot before PacerQueueTimeoutError; default: as long as it takes. */
  maxQueueMs?: number
  schema: S
}

export interface TransportStats {
  requests: number
  rateLimited: number
  retries: number
}

export interface Transport {
  send<S extends z.ZodType>(request: GatewayRequest<S>): Promise<z.output<S>>
  readonly stats: TransportStats
  close(): Promise<void>
}

const TIMEOUT_CODES = new Set(["UND_ERR_CONNECT_TIMEOUT", "UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT", "ETIMEDOUT"])

const PRECISE_DEADLINE_BELOW_MS = 5_000

function isDeadline(error: unknown): boolean {
  const name = (error as { name?: string } | null)?.name
  return name === "TimeoutError" || (name === "AbortError" && (error as { cause?: { name?: string } }).cause?.name === "TimeoutError")
}

export function createTransport(
  config: ResolvedConfig,
  deps: { pacer?: Pacer; dispatcher?: Dispatcher; now: () => number; sleep: (ms: number) => Promise<void>; random: () => number }
): Transport {
  const ownPool = deps.dispatcher
    ? undefined
    : new Pool(config.origin, {
        connections: config.connections,
        connect: { timeout: config.connectTimeoutMs },
        keepAliveTimeout: 30_000,
        headersTimeout: config.requestTimeoutMs,
        bodyTimeout: config.requestTimeoutMs,
      })
  const dispatcher: Dispatcher = deps.dispatcher ?? (ownPool as Pool)
  const stats: TransportStats = { requests: 0, rateLimited: 0, retries: 0 }
  const baseHeaders = {
    merchant: config.merchantId,
    authorization: `Bearer ${config.apiKey}`,
    accept: "application/json",
  }
  const secrets = [config.apiKey]

  function backoff(attempt: number): number {
    const cap = Math.min(config.retryMaxDelayMs, config.retryBaseDelayMs * 2 ** attempt)
    return Math.round(deps.random() * cap)
  }

  async function exchange(request: GatewayRequest<z.ZodType>, url: string): Promise<{ status: number; headers: Dispatcher.ResponseData["headers"]; text: string }> {
    const headers: Record<string, string> = { ...baseHeaders }
    let body: string | undefined
    if (request.method === "POST") {
      headers["content-type"] = "application/json"
      body = JSON.stringify(request.body ?? {})
    }
    if (request.idempotencyKey) headers["idempotency-key"] = request.idempotencyKey
    const response = await dispatcher.request({
      origin: config.origin,
      path: url,
      method: request.method,
      headers,
      body,
      headersTimeout: config.requestTimeoutMs,
      bodyTimeout: config.requestTimeoutMs,
      // undici's own timers tick about once a second: close enough for long timeouts, too
      // coarse for short ones, which get an exact deadline (it costs a timer per call).
      signal: config.requestTimeoutMs < PRECISE_DEADLINE_BELOW_MS ? AbortSignal.timeout(config.requestTimeoutMs) : undefined,
    })
    const text = await response.body.text()
    return { status: response.statusCode, headers: response.headers, text }
  }

  function describe(request: GatewayRequest<z.ZodType>): string {
    return `${request.method} ${request.path}`
  }

  function failure(request: GatewayRequest<z.ZodType>, status: number, headers: Dispatcher.ResponseData["headers"], text: string): GatewayError {
    let raw: unknown = text
    try {
      raw = JSON.parse(text)
    } catch {
      // not JSON: keep the text
    }
    const body = errorBodySchema.safeParse(raw)
    const info = body.success ? body.data : {}
    const said = redact(info.message ?? info.error ?? (typeof raw === "string" ? raw.slice(0, 200) : ""), secrets)
    const where = describe(request)
    switch (true) {
      case status === 401:
        return new GatewayAuthError(`The gateway refused the credentials (401) for ${where}: ${said || "invalid payment API key, merchant id mismatch, or inactive merchant"}. Check the merchant id and payment API key.`, { status, raw })
      case status === 404:
        return new GatewayNotFoundError(`Not found (404) for ${where}${said ? `: ${said}` : ""}`, { status, raw })
      case status === 422: {
        const fields: Record<string, string[]> = {}
        for (const [field, messages] of Object.entries(info.errors ?? {})) {
          fields[field] = (Array.isArray(messages) ? messages : [messages]).map((m) => redact(m, secrets))
        }
        const detail = said || Object.entries(fields).map(([f, m]) => `${f}: ${m.join(", ")}`).join("; ")
        return new GatewayValidationError(`The gateway refused ${where} (422): ${detail || "validation error"}`, { status, raw, fields })
      }
      case status === 429: {
        const header = headers["retry-after"]
        const headerSeconds = Number(Array.isArray(header) ? header[0] : header)
        const seconds = info.retry_after_seconds ?? (Number.isFinite(headerSeconds) ? headerSeconds : 1)
        const retryAfterMs = Math.min(Math.max(0, seconds * 1000), config.maxRateLimitWaitMs)
        return new GatewayRateLimitError(`Rate limited (429) on ${where}; retry after ${seconds}s`, { status, raw, retryAfterMs })
      }
      case status >= 500:
        return new GatewayServerError(`The gateway failed (${status}) on ${where}${said ? `: ${said}` : ""}`, { status, raw })
      default:
        return new GatewayError("server_error", `Unexpected ${status} from the gateway on ${where}${said ? `: ${said}` : ""}`, false, { status, raw })
    }
  }

  function networkFailure(request: GatewayRequest<z.ZodType>, error: unknown): GatewayError {
    const code = (error as { code?: string } | null)?.code ?? ""
    const message = redact(error instanceof Error ? error.message : String(error), secrets)
    if (TIMEOUT_CODES.has(code) || isDeadline(error)) {
      return new GatewayTimeoutError(`The gateway did not answer ${describe(request)} within ${config.requestTimeoutMs} ms (${code || "deadline"})`, { cause: code || "deadline" })
    }
    return new GatewayNetworkError(`Could not reach the gateway at ${config.origin} for ${describe(request)}: ${code || message}`, { cause: code || message })
  }

  function parse<S extends z.ZodType>(request: GatewayRequest<S>, status: number, text: string): z.output<S> {
    let json: unknown
    try {
      json = JSON.parse(text)
    } catch {
      throw new GatewayContractError(`The gateway answered in an unexpected format: the body of ${describe(request)} (${status}) is not JSON`, "(body)", { status, raw: redact(text.slice(0, 200), secrets) })
    }
    const parsed = request.schema.safeParse(json)
    if (!parsed.success) {
      const issue = parsed.error.issues[0]
      const path = issuePath(issue.path) || "(root)"
      throw new GatewayContractError(`The gateway answered in an unexpected format: field ${path} of ${describe(request)} ${issue.message}`, path, { status, raw: json })
    }
    return parsed.data
  }

  async function send<S extends z.ZodType>(request: GatewayRequest<S>): Promise<z.output<S>> {
    const search = new URLSearchParams()
    for (const [key, value] of Object.entries(request.query ?? {})) {
      if (value !== undefined) search.set(key, String(value))
    }
    const url = search.size > 0 ? `${request.path}?${search}` : request.path
    const idempotent = request.repeatable ?? (request.method === "GET" || Boolean(request.idempotencyKey))
    let retries = 0
    let rateLimitRetries = 0
    for (;;) {
      const release = await deps.pacer?.acquire(request.priority, { maxWaitMs: request.maxQueueMs })
      stats.requests++
      let error: GatewayError
      try {
        const { status, headers, text } = await exchange(request, url)
        release?.()
        if (status >= 200 && status < 300) return parse(request, status, text)
        error = failure(request, status, headers, text)
      } catch (caught) {
        release?.()
        if (caught instanceof GatewayError) throw caught
        error = networkFailure(request, caught)
      }
      if (error instanceof GatewayRateLimitError) {
        // A 429 means the call was not carried out, so waiting it out is safe for every method.
        stats.rateLimited++
        if (rateLimitRetries++ >= config.maxRateLimitRetries) throw error
        const until = deps.now() + error.retryAfterMs
        if (deps.pacer) deps.pacer.pauseUntil(until)
        else await deps.sleep(error.retryAfterMs)
        continue
      }
      if (!error.retryable || !idempotent || retries >= config.maxRetries) throw error
      await deps.sleep(backoff(retries++))
      stats.retries++
    }
  }

  return {
    send,
    stats,
    async close() {
      await ownPool?.close()
    },
  }
}
