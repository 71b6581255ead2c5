/**
 * The Shopify app's configuration, read from the environment once at start-up. A missing or bad
 * value stops start-up with one line naming the variable (never its value: some are secrets).
 */
import { readFileSync } from "node:fs"
import { ApiVersion } from "@shopify/shopify-api"
import { z } from "zod"
import { parseEncryptionKey } from "../secrets/aes-gcm"

export const DEFAULT_API_VERSION = "2026-07"
export const DEFAULT_PORT = 8081
export const DEFAULT_SCOPES = "write_payment_gateways,write_payment_sessions"

const API_VERSIONS: readonly string[] = Object.values(ApiVersion)

const required = (what: string) => z.string({ error: `is not set (${what})` }).trim().min(1, { error: `is empty (${what})` })
const httpUrl = (what: string) =>
  z.url({ protocol: /^https?$/, error: `must be an http(s) URL (${what})` }).transform((value) => new URL(value).origin)
const intFrom = (min: number) => z.coerce.number({ error: "must be a whole number" }).int().min(min)

const envSchema = z.object({
  SHOPIFY_API_KEY: required("the app's client id"),
  SHOPIFY_API_SECRET: required("the app's client secret"),
  SHOPIFY_APP_URL: httpUrl("the app's public URL, e.g. https://usdt.example.com"),
  SHOPIFY_API_VERSION: z
    .string()
    .default(DEFAULT_API_VERSION)
    .refine((value) => API_VERSIONS.includes(value), { error: `must be one of ${API_VERSIONS.join(", ")}` }),
  SHOPIFY_API_ORIGIN: httpUrl("where calls to Shopify go, e.g. http://127.0.0.1:8082").optional(),
  SHOPIFY_SCOPES: z.string().default(DEFAULT_SCOPES),
  DATABASE_URL: z.string({ error: "is not set (postgres://user@host:5432/db)" }).regex(/^postgres(ql)?:\/\//, { error: "must be a postgres:// URL" }),
  REDIS_URL: z.string({ error: "is not set (redis://host:6379)" }).regex(/^rediss?:\/\//, { error: "must be a redis:// URL" }),
  USDT_ENCRYPTION_KEY: z.string({ error: "is not set (generate one with `openssl rand -hex 32`)" }).transform((value, ctx) => {
    try {
      return parseEncryptionKey(value)
    } catch {
      ctx.addIssue({ code: "custom", message: "must be 32 bytes as 64 hex characters or base64 (`openssl rand -hex 32`)" })
      return z.NEVER
    }
  }),
  USDT_GATEWAY_URL: httpUrl("the gateway's origin").default("https://gatenoc.com"),
  SHOPIFY_GATEWAY_RATE_LIMIT: intFrom(1).default(120),
  SHOPIFY_GATEWAY_RATE_WINDOW_MS: intFrom(1).default(60_000),
  PORT: intFrom(0).max(65_535).default(DEFAULT_PORT),
  SHOPIFY_QUEUE_PREFIX: z.string().min(1).default("bull"),
  SHOPIFY_WORKERS: z.enum(["on", "off"]).default("on"),
  SHOPIFY_RETRY_BASE_MS: intFrom(1).default(5_000),
  SHOPIFY_RETRY_ATTEMPTS: intFrom(1).default(16),
  SHOPIFY_FIRST_CALL_DELAY_MS: intFrom(0).default(1_000),
  SHOPIFY_EXPIRY_GRACE_MS: intFrom(0).default(60_000),
  SHOPIFY_JOB_LOCK_MS: intFrom(500).default(30_000),
  SHOPIFY_RECONCILE_EVERY_MS: intFrom(1_000).default(300_000),
  SHOPIFY_RECONCILE_LOOKBACK_MS: intFrom(60_000).default(24 * 3600_000),
  SHOPIFY_TLS_CERT: z.string().min(1).optional(),
  SHOPIFY_TLS_KEY: z.string().min(1).optional(),
  SHOPIFY_MTLS_CA: z.string().min(1).optional(),
  SHOPIFY_SESSION_AUTH: z.enum(["mtls", "proxy", "none"], { error: "must be mtls, proxy or none" }).optional(),
  NODE_ENV: z.string().optional(),
})

function readPem(name: string, path: string): Buffer {
  try {
    const pem = readFileSync(path)
    if (!pem.includes("-----BEGIN")) throw new Error("not PEM")
    return pem
  } catch {
    throw new ShopifyConfigError(`${name} must name a readable PEM file`)
  }
}

/** HTTPS with the app's own certificate; with SHOPIFY_MTLS_CA, session requests need a client certificate from that CA. */
function tlsOf(e: { SHOPIFY_TLS_CERT?: string; SHOPIFY_TLS_KEY?: string; SHOPIFY_MTLS_CA?: string }): ShopifyAppConfig["tls"] {
  if (!e.SHOPIFY_TLS_CERT && !e.SHOPIFY_TLS_KEY) {
    if (e.SHOPIFY_MTLS_CA) throw new ShopifyConfigError("SHOPIFY_TLS_CERT and SHOPIFY_TLS_KEY are required with SHOPIFY_MTLS_CA (the app must terminate TLS to see Shopify's client certificate)")
    return undefined
  }
  if (!e.SHOPIFY_TLS_CERT) throw new ShopifyConfigError("SHOPIFY_TLS_CERT is not set (SHOPIFY_TLS_KEY is)")
  if (!e.SHOPIFY_TLS_KEY) throw new ShopifyConfigError("SHOPIFY_TLS_KEY is not set (SHOPIFY_TLS_CERT is)")
  return {
    cert: readPem("SHOPIFY_TLS_CERT", e.SHOPIFY_TLS_CERT),
    key: readPem("SHOPIFY_TLS_KEY", e.SHOPIFY_TLS_KEY),
    clientCa: e.SHOPIFY_MTLS_CA ? readPem("SHOPIFY_MTLS_CA", e.SHOPIFY_MTLS_CA) : undefined,
  }
}

/**
 * Fail closed: in production the session routes must be authenticated, by this app (mTLS) or by
 * a proxy the operator names; `none` is refused there. Elsewhere the default follows the CA.
 */
function sessionAuthOf(e: { SHOPIFY_SESSION_AUTH?: "mtls" | "proxy" | "none"; NODE_ENV?: string }, hasClientCa: boolean): ShopifyAppConfig["sessionAuth"] {
  const production = e.NODE_ENV === "production"
  const auth = e.SHOPIFY_SESSION_AUTH ?? (hasClientCa || production ? "mtls" : "none")
  if (auth === "mtls" && !hasClientCa) {
    throw new ShopifyConfigError("SHOPIFY_MTLS_CA is not set: Shopify's payment and refund session requests carry no HMAC, so in production the app checks Shopify's client certificate (SHOPIFY_TLS_CERT, SHOPIFY_TLS_KEY, SHOPIFY_MTLS_CA), or SHOPIFY_SESSION_AUTH=proxy when a TLS-terminating proxy verifies it")
  }
  if (auth === "none" && production) throw new ShopifyConfigError("SHOPIFY_SESSION_AUTH=none is refused with NODE_ENV=production: the session routes would be unauthenticated")
  return auth
}

export interface ShopifyAppConfig {
  apiKey: string
  apiSecret: string
  /** Origin of the app, e.g. https://usdt.example.com. */
  appUrl: string
  apiVersion: ApiVersion
  /** Where every call to Shopify goes instead of https://{shop} (a local stand-in), if set. */
  apiOrigin?: string
  scopes: string[]
  databaseUrl: string
  redisUrl: string
  encryptionKey: Buffer
  gatewayUrl: string
  /** Each shop's gateway request budget (its merchant's pacer): `limit` calls per `windowMs`. */
  gatewayRateLimit: { limit: number; windowMs: number }
  port: number
  /** Serve HTTPS; `clientCa` turns on mutual TLS for Shopify's session requests. */
  tls?: { cert: Buffer; key: Buffer; clientCa?: Buffer }
  /**
   * Who checks that a payment or refund session request comes from Shopify (they carry no HMAC):
   * `mtls` this app, against SHOPIFY_MTLS_CA; `proxy` a TLS-terminating proxy in front of it that
   * verifies Shopify's client certificate (the operator's word); `none` nobody (development only).
   */
  sessionAuth: "mtls" | "proxy" | "none"
  /** Per-shop reconciliation: how often, and how far back each run pages the gateway. */
  reconcile: { everyMs: number; lookbackMs: number }
  queues: {
    prefix: string
    /** Run the job workers in this process. */
    workers: boolean
    /** First retry delay; each next one doubles (exponential backoff over hours by default). */
    retryBaseMs: number
    attempts: number
    /** Delay of a call to Shopify enqueued while Shopify still waits for our answer. */
    firstCallDelayMs: number
    expiryGraceMs: number
    lockMs: number
  }
}

export class ShopifyConfigError extends Error {
  constructor(message: string) {
    super(message)
    this.name = "ShopifyConfigError"
  }
}

function isApiVersion(value: string): value is ApiVersion {
  return API_VERSIONS.includes(value)
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): ShopifyAppConfig {
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ""))
  const parsed = envSchema.safeParse(present)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new ShopifyConfigError(`${String(issue.path[0] ?? "environment")} ${issue.message}`)
  }
  const e = parsed.data
  if (!isApiVersion(e.SHOPIFY_API_VERSION)) throw new ShopifyConfigError(`SHOPIFY_API_VERSION is not supported`)
  const tls = tlsOf(e)
  const sessionAuth = sessionAuthOf(e, Boolean(tls?.clientCa))
  return {
    apiKey: e.SHOPIFY_API_KEY,
    apiSecret: e.SHOPIFY_API_SECRET,
    appUrl: e.SHOPIFY_APP_URL,
    apiVersion: e.SHOPIFY_API_VERSION,
    apiOrigin: e.SHOPIFY_API_ORIGIN,
    scopes: e.SHOPIFY_SCOPES.split(",").map((scope) => scope.trim()).filter(Boolean),
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    encryptionKey: e.USDT_ENCRYPTION_KEY,
    gatewayUrl: e.USDT_GATEWAY_URL,
    gatewayRateLimit: { limit: e.SHOPIFY_GATEWAY_RATE_LIMIT, windowMs: e.SHOPIFY_GATEWAY_RATE_WINDOW_MS },
    port: e.PORT,
    tls,
    sessionAuth,
    reconcile: { everyMs: e.SHOPIFY_RECONCILE_EVERY_MS, lookbackMs: e.SHOPIFY_RECONCILE_LOOKBACK_MS },
    queues: {
      prefix: e.SHOPIFY_QUEUE_PREFIX,
      workers: e.SHOPIFY_WORKERS === "on",
      retryBaseMs: e.SHOPIFY_RETRY_BASE_MS,
      attempts: e.SHOPIFY_RETRY_ATTEMPTS,
      firstCallDelayMs: e.SHOPIFY_FIRST_CALL_DELAY_MS,
      expiryGraceMs: e.SHOPIFY_EXPIRY_GRACE_MS,
      lockMs: e.SHOPIFY_JOB_LOCK_MS,
    },
  }
}
