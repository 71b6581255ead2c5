/**
 * The Shopify app's test bench, all real parts: a fresh PostgreSQL database per test file, Redis
 * with a bullmq prefix of its own, the sandbox gateway and the Shopify stand-in on free ports, and
 * the app itself (in this process, or its workers in a child process). Shops install through the
 * stand-in's OAuth dance and get their own sandbox merchant. Stopping a bench first scans every
 * row of the app's database for a secret in plain text (issue #12's secrets scan, in every file).
 */
import { randomBytes } from "node:crypto"
import { z } from "zod"
import type { SandboxMerchant } from "../../../src/sandbox"
import { SCHEMA } from "../../../src/shopify/db/migrations"
import { type LocalStack, type LocalStackOptions, startLocalStack } from "../../../src/shopify/local-stack"
import { secretsIn } from "../../security/secrets-scan"

export const PG_ROOT = process.env.SHOPIFY_TEST_PG ?? "postgres://postgres@127.0.0.1:5432"
export const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379"
export const SHOP_A = "usdt-alpha.myshopify.com"
export const SHOP_B = "usdt-beta.myshopify.com"
export const MERCHANTS: Record<string, SandboxMerchant> = {
  [SHOP_A]: { id: 11, apiKey: "sk_sandbox_shopify_alpha", webhookSecret: "whsec_sandbox_shopify_alpha" },
  [SHOP_B]: { id: 12, apiKey: "sk_sandbox_shopify_beta", webhookSecret: "whsec_sandbox_shopify_beta" },
}

export type Bench = LocalStack

export interface BenchOptions {
  /** Short tag for the database and queue prefix. */
  name: string
  env?: Record<string, string>
  tokenTtlSeconds?: number
  checkoutTtlMs?: number
  /** Start the in-process app with workers (default true). */
  workers?: boolean
  tls?: LocalStackOptions["tls"]
  /** The sandbox's per-merchant limit (default none); pair it with SHOPIFY_GATEWAY_RATE_* in `env`. */
  sandboxRateLimit?: LocalStackOptions["sandboxRateLimit"]
  /** Let the app, the stand-in and the sandbox log (default quiet): the secrets scan reads the lines. */
  quiet?: boolean
}

/** Every row of every table of the app's database (its schema and Shopify's session table), as sorted JSON text. */
export async function appDatabaseRows(bench: Bench): Promise<Record<string, string[]>> {
  const pool = bench.app.ctx.pool
  const { rows: tables } = await pool.query<{ schema: string; name: string }>(
    "SELECT table_schema AS schema, table_name AS name FROM information_schema.tables WHERE table_type = 'BASE TABLE' AND table_schema IN ($1, 'public') ORDER BY 1, 2",
    [SCHEMA]
  )
  const snapshot: Record<string, string[]> = {}
  for (const { schema, name } of tables) {
    const { rows } = await pool.query<{ row: string }>(`SELECT row_to_json(x)::text AS row FROM "${schema}"."${name}" x`)
    snapshot[`${schema}.${name}`] = rows.map((row) => row.row).sort()
  }
  return snapshot
}

/** The secrets of a bench, by name: gateway API keys and webhook secrets, the app secret, the encryption key, every Shopify token issued. */
export function benchSecrets(bench: Bench): Record<string, string> {
  const secrets: Record<string, string> = { "Shopify app secret": bench.env.SHOPIFY_API_SECRET, "encryption key": bench.env.USDT_ENCRYPTION_KEY }
  for (const [shop, merchant] of Object.entries(MERCHANTS)) {
    secrets[`${shop} gateway API key`] = merchant.apiKey
    secrets[`${shop} webhook secret`] = merchant.webhookSecret
  }
  for (const record of bench.standin.state.shops.values()) {
    secrets[`${record.shop} offline access token`] = record.accessToken
    if (record.refreshToken) secrets[`${record.shop} refresh token`] = record.refreshToken
  }
  return secrets
}

/** Starts a bench whose stop() first scans the app's database for secrets in plain text (and fails the file if one is there). */
export async function startBench(options: BenchOptions): Promise<Bench> {
  const bench = await startStack(options)
  const stop = bench.stop.bind(bench)
  bench.stop = async () => {
    const leaked = secretsIn(JSON.stringify(await appDatabaseRows(bench)), benchSecrets(bench))
    await stop()
    if (leaked.length) throw new Error(`The app's database holds secrets in plain text: ${leaked.join(", ")}`)
  }
  return bench
}

function startStack(options: BenchOptions): Promise<Bench> {
  const tag = `${options.name}_${process.pid}_${randomBytes(3).toString("hex")}`
  return startLocalStack({
    databaseUrl: `${PG_ROOT}/shopify_${tag}`,
    redisUrl: REDIS_URL,
    queuePrefix: `test-${tag}`,
    shops: MERCHANTS,
    tokenTtlSeconds: options.tokenTtlSeconds,
    checkoutTtlMs: options.checkoutTtlMs,
    dropDatabaseOnStop: true,
    tls: options.tls,
    sandboxRateLimit: options.sandboxRateLimit,
    quiet: options.quiet,
    env: {
      SHOPIFY_RETRY_BASE_MS: "100",
      SHOPIFY_FIRST_CALL_DELAY_MS: "50",
      SHOPIFY_EXPIRY_GRACE_MS: "100",
      SHOPIFY_JOB_LOCK_MS: "1000",
      SHOPIFY_WORKERS: options.workers === false ? "off" : "on",
      ...options.env,
    },
  })
}

/** Installs the shop through the stand-in's OAuth dance and (by default) saves its sandbox credentials. */
export async function installShop(bench: Bench, shop: string, withCredentials = true): Promise<void> {
  expect(await bench.install(shop, withCredentials)).toMatchObject({ installed: true, status_code: 200 })
}

export async function control(bench: Bench, method: "GET" | "POST", path: string, body?: unknown): Promise<unknown> {
  const base = path.startsWith("/__sandbox") ? bench.sandbox.url : bench.standin.url
  const response = await fetch(`${base}${path}`, { method, headers: { "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) })
  return response.json()
}

export const paymentAnswer = z.object({ id: z.string(), gid: z.string(), status_code: z.number(), redirect_url: z.string().nullable() })
export const paymentView = z.object({
  id: z.string(),
  shop: z.string(),
  state: z.enum(["pending", "resolved", "rejected"]),
  reason: z.string().optional(),
  mutations: z.array(z.object({ name: z.string(), outcome: z.string(), reason: z.string().optional() })),
})
export const refundView = z.object({ id: z.string(), state: z.enum(["pending", "resolved", "rejected"]), reason: z.string().optional(), mutations: paymentView.shape.mutations })
export const sandboxPayments = z.object({
  data: z.array(z.looseObject({ id: z.number(), merchant_id: z.number(), status: z.string(), note: z.string(), cs: z.string(), refunded_amount: z.string(), refunds: z.array(z.unknown()) })),
})

export async function requestPayment(bench: Bench, body: { amount: string; currency?: string; id?: string; shop?: string }) {
  return paymentAnswer.parse(await control(bench, "POST", "/__standin/payments", { currency: "USD", ...body }))
}

export async function standinPayment(bench: Bench, id: string) {
  return paymentView.parse(await control(bench, "GET", `/__standin/payments/${id}`))
}

export async function standinRefund(bench: Bench, id: string) {
  return refundView.parse(await control(bench, "GET", `/__standin/refunds/${id}`))
}

export async function gatewayPayments(bench: Bench) {
  return sandboxPayments.parse(await control(bench, "GET", "/__sandbox/payments")).data
}

/** The shopper pays on the hosted page (the sandbox's control does the paying). */
export async function pay(bench: Bench, redirectUrl: string, amount?: string): Promise<void> {
  const cs = new URL(redirectUrl).searchParams.get("cs")
  if (!cs) throw new Error(`no cs token in ${redirectUrl}`)
  const answer = await fetch(`${bench.sandbox.url}/__sandbox/checkouts/${cs}/pay`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(amount ? { amount } : {}) })
  if (answer.status !== 200) throw new Error(`pay answered ${answer.status}: ${await answer.text()}`)
}

export async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs = 8_000, what = "condition"): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await probe()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}

/** Waits until the stand-in's payment session leaves `pending` and the app has recorded its answer. */
export function settled(bench: Bench, id: string, timeoutMs?: number) {
  return waitFor(async () => {
    const view = await standinPayment(bench, id)
    if (view.state === "pending") return undefined
    const stored = await bench.app.ctx.payments.byShopifyId(view.shop, id)
    return stored?.status === "open" ? undefined : view
  }, timeoutMs, `payment session ${id} to settle`)
}

export const applied = (mutations: { outcome: string }[]) => mutations.filter((m) => m.outcome === "applied").length
