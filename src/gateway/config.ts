/**
 * The client's configuration, validated once. A configuration that cannot work fails at
 * construction with one error naming every offending option, and never echoes a secret.
 */
import { z } from "zod"
import type { Dispatcher } from "undici"
import { httpUrl } from "./contract/fields"
import { GatewayConfigError } from "./errors"
import type { Pacer } from "./pacer"

export const PRODUCTION_BASE_URL = "https://gatenoc.com"

/**
 * A merchant's credentials as every integration holds them (saved by an admin, or given as
 * options): the gateway to call, the merchant id and API key for calls, and the webhook
 * secrets (current first while one rotates) for verifying deliveries.
 */
export interface GatewayCredentials {
  baseUrl: string
  merchantId: string
  apiKey: string
  webhookSecrets: string[]
}

export interface GatewayClientConfig {
  /** Gateway origin. Default the production URL; the sandbox is `http://127.0.0.1:<port>`. */
  baseUrl?: string
  /** Numeric merchant id from the gateway's Integration page. */
  merchantId: string | number
  /** Payment API key. Sent only as `Authorization: Bearer`; never logged. */
  apiKey: string
  /** Connect timeout in ms. Default 5 000. */
  connectTimeoutMs?: number
  /** Time allowed for the answer's headers, then for its body, in ms. Default 15 000. */
  requestTimeoutMs?: number
  /** Keep-alive connections per gateway origin. Default 10. */
  connections?: number
  /** Retries after the first try for idempotent calls (GET, POST with Idempotency-Key). Default 3. */
  maxRetries?: number
  /** Backoff base and cap, in ms (full jitter). Default 250 and 8 000. */
  retryBaseDelayMs?: number
  retryMaxDelayMs?: number
  /** How many 429s one call waits out before giving up. Default 5. */
  maxRateLimitRetries?: number
  /** Longest single wait a 429 may impose, in ms. Default 120 000. */
  maxRateLimitWaitMs?: number
  /** Request budget per merchant: `false` turns pacing off. Default 120 per 60 000 ms. */
  rateLimit?: { limit?: number; windowMs?: number } | false
  /** A pacer to share (reconciliation and checkout on one budget). Default: one per merchant per process. */
  pacer?: Pacer
  /** An undici dispatcher to use instead of the client's own pool. */
  dispatcher?: Dispatcher
  now?: () => number
  sleep?: (ms: number) => Promise<void>
  random?: () => number
}

const configSchema = z.object({
  baseUrl: httpUrl("must be an http(s) URL such as https://gatenoc.com").optional(),
  merchantId: z.union([
    z.number().int().positive(),
    z.string().regex(/^[1-9]\d*$/, { error: "must be the numeric merchant id" }),
  ], { error: "is required: the numeric merchant id from the gateway's Integration page" }),
  apiKey: z.string({ error: "is required: the payment API key" }).trim().min(1, { error: "is required: the payment API key" }),
  connectTimeoutMs: z.number().int().positive().optional(),
  requestTimeoutMs: z.number().int().positive().optional(),
  connections: z.number().int().positive().optional(),
  maxRetries: z.number().int().nonnegative().optional(),
  retryBaseDelayMs: z.number().nonnegative().optional(),
  retryMaxDelayMs: z.number().nonnegative().optional(),
  maxRateLimitRetries: z.number().int().nonnegative().optional(),
  maxRateLimitWaitMs: z.number().nonnegative().optional(),
  rateLimit: z
    .union([z.literal(false), z.object({ limit: z.number().int().positive().optional(), windowMs: z.number().positive().optional() })])
    .optional(),
})

export interface ResolvedConfig {
  origin: string
  merchantId: string
  apiKey: string
  connectTimeoutMs: number
  requestTimeoutMs: number
  connections: number
  maxRetries: number
  retryBaseDelayMs: number
  retryMaxDelayMs: number
  maxRateLimitRetries: number
  maxRateLimitWaitMs: number
}

export function resolveConfig(config: GatewayClientConfig): ResolvedConfig {
  const parsed = configSchema.safeParse(config ?? {})
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".") || "config"} ${issue.message}`)
    throw new GatewayConfigError(`Invalid gateway client configuration: ${problems.join("; ")}`)
  }
  const c = parsed.data
  return {
    origin: new URL(c.baseUrl ?? PRODUCTION_BASE_URL).origin,
    merchantId: String(c.merchantId),
    apiKey: c.apiKey,
    connectTimeoutMs: c.connectTimeoutMs ?? 5_000,
    requestTimeoutMs: c.requestTimeoutMs ?? 15_000,
    connections: c.connections ?? 10,
    maxRetries: c.maxRetries ?? 3,
    retryBaseDelayMs: c.retryBaseDelayMs ?? 250,
    retryMaxDelayMs: c.retryMaxDelayMs ?? 8_000,
    maxRateLimitRetries: c.maxRateLimitRetries ?? 5,
    maxRateLimitWaitMs: c.maxRateLimitWaitMs ?? 120_000,
  }
}
