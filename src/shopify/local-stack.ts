/**
 * The whole Shopify path on one machine, all real parts: a PostgreSQL database (created when
 * missing), Redis queues under their own prefix, the sandbox gateway and the Shopify stand-in on
 * free ports, and the app pointed at both. Used by the tests, the benchmark and the demo; shops
 * install through the stand-in's OAuth dance and each gets its own sandbox merchant.
 */
import { randomBytes } from "node:crypto"
import { createServer } from "node:net"
import { Client } from "pg"
import { type RunningSandbox, type SandboxMerchant, startSandbox } from "../sandbox"
import { type RunningApp, startShopifyApp } from "./app"
import { loadConfig } from "./config"
import { connectGateway } from "./gateway-connection"
import { type RunningStandin, startStandin } from "./standin"

export interface LocalStackOptions {
  /** postgres://… of the app's database; created when missing. */
  databaseUrl: string
  redisUrl: string
  queuePrefix: string
  /** Each shop and its sandbox merchant. */
  shops: Record<string, SandboxMerchant>
  /** The app's port; 0 (default) picks a free one. */
  port?: number
  /** Env overrides for the app (retry timings, workers on/off…). */
  env?: Record<string, string>
  tokenTtlSeconds?: number
  checkoutTtlMs?: number
  sandboxRateLimit?: { limit: number; windowMs: number } | false
  /** Fixed ports for the stand-in and the sandbox (the demo); default free ones. */
  standinPort?: number
  sandboxPort?: number
  /** Serve the app over HTTPS (PEM files), optionally with mutual TLS; `standin` is what the stand-in trusts and presents. */
  tls?: { certFile: string; keyFile: string; clientCaFile?: string; standin: { ca?: string; cert?: string; key?: string } }
  /** A sandbox already running elsewhere (a child process, say) with these shops' merchants. */
  sandbox?: RunningSandbox
  /** Tests: drop the database and obliterate the queues (their Redis keys) on stop. */
  dropDatabaseOnStop?: boolean
  quiet?: boolean
}

export interface LocalStack {
  env: Record<string, string>
  appUrl: string
  sandbox: RunningSandbox
  standin: RunningStandin
  app: RunningApp
  /** Installs the shop through OAuth; saves its sandbox credentials unless told not to. */
  install(shop: string, withCredentials?: boolean): Promise<{ status_code: number; installed: boolean }>
  startApp(overrides?: Record<string, string>): Promise<RunningApp>
  stop(): Promise<void>
}

export async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const address = server.address()
  const port = address && typeof address === "object" ? address.port : 0
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

async function onServer(databaseUrl: string, run: (client: Client, name: string) => Promise<void>): Promise<void> {
  const url = new URL(databaseUrl)
  const name = decodeURIComponent(url.pathname.slice(1))
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`database name ${JSON.stringify(name)} must be lower-case letters, digits and _`)
  url.pathname = "/postgres"
  const client = new Client({ connectionString: url.toString() })
  await client.connect()
  try {
    await run(client, name)
  } finally {
    await client.end()
  }
}

export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  await onServer(options.databaseUrl, async (client, name) => {
    const { rowCount } = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name])
    if (!rowCount) await client.query(`CREATE DATABASE ${name}`)
  })
  const port = options.port || (await freePort())
  const appUrl = `${options.tls ? "https" : "http"}://127.0.0.1:${port}`
  const quiet = options.quiet ?? true
  const sandbox = options.sandbox ?? await startSandbox({
    port: options.sandboxPort,
    merchants: Object.values(options.shops),
    quiet,
    rateLimit: options.sandboxRateLimit ?? false,
    checkoutTtlMs: options.checkoutTtlMs,
    webhookRetry: { maxAttempts: 4, baseDelayMs: 50, factor: 2, maxDelayMs: 400, timeoutMs: 2_000 },
  })
  const apiKey = "standin-app-key"
  const apiSecret = randomBytes(16).toString("hex")
  const standin = await startStandin({ apiKey, apiSecret, appUrl, quiet, shop: Object.keys(options.shops)[0], tokenTtlSeconds: options.tokenTtlSeconds, port: options.standinPort, tls: options.tls?.standin })
  const env: Record<string, string> = {
    SHOPIFY_API_KEY: apiKey,
    SHOPIFY_API_SECRET: apiSecret,
    SHOPIFY_APP_URL: appUrl,
    SHOPIFY_API_ORIGIN: standin.url,
    DATABASE_URL: options.databaseUrl,
    REDIS_URL: options.redisUrl,
    USDT_ENCRYPTION_KEY: randomBytes(32).toString("hex"),
    USDT_GATEWAY_URL: sandbox.url,
    PORT: String(port),
    SHOPIFY_QUEUE_PREFIX: options.queuePrefix,
    ...(options.tls && { SHOPIFY_TLS_CERT: options.tls.certFile, SHOPIFY_TLS_KEY: options.tls.keyFile }),
    ...(options.tls?.clientCaFile && { SHOPIFY_MTLS_CA: options.tls.clientCaFile }),
    ...options.env,
  }
  const start = (overrides: Record<string, string> = {}) => startShopifyApp(loadConfig({ ...env, ...overrides }), { quiet })
  const stack: LocalStack = {
    env,
    appUrl,
    sandbox,
    standin,
    app: await start(),
    async startApp(overrides = {}) {
      stack.app = await start(overrides)
      return stack.app
    },
    async install(shop, withCredentials = true) {
      const response = await fetch(`${standin.url}/__standin/install`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ shop }) })
      const result: { status_code: number; installed: boolean } = await response.json()
      const merchant = options.shops[shop]
      if (result.installed && withCredentials && merchant) {
        const connected = await connectGateway(stack.app.ctx, shop, { merchantId: String(merchant.id), apiKey: merchant.apiKey, webhookSecret: merchant.webhookSecret })
        if (!connected.ok) throw new Error(connected.message)
      }
      return result
    },
    async stop() {
      if (options.dropDatabaseOnStop) await Promise.all(Object.values(stack.app.ctx.queues.all).map((queue) => queue.obliterate({ force: true })))
      await stack.app.close()
      await standin.stop()
      await sandbox.stop()
      if (options.dropDatabaseOnStop) await onServer(options.databaseUrl, (client, name) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).then(() => undefined))
    },
  }
  return stack
}
