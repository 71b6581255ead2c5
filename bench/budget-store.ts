/**
 * The real store for the budget benchmark: the sandbox gateway (in this process) limited to
 * 120 requests per window, and Medusa with this plugin started with `medusa start` on a free
 * port, on its own freshly made PostgreSQL database, its gateway pacer and poll interval set to
 * the same (possibly shortened) window. Output goes to .bench/medusa.log.
 */
import { createWriteStream, mkdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { Client } from "pg"
import { z } from "zod"
import { freePort } from "../demo/preflight"
import { runStep, startService, stopAll } from "../demo/processes"
import { type RunningSandbox, startSandbox } from "../src/sandbox"

export const BENCH_MERCHANT = { id: 9301, apiKey: "sk_bench_budget_0123456789", webhookSecret: "whsec_bench_budget" }
const root = join(__dirname, "..")
const stateDir = join(root, ".bench")

const seedSchema = z.object({ regionId: z.string(), salesChannelId: z.string(), publishableKey: z.string(), shippingOptionId: z.string(), variantId: z.string() })
export type BenchSeed = z.infer<typeof seedSchema>

export interface BenchStore {
  storeUrl: string
  sandbox: RunningSandbox
  seed: BenchSeed
  stop(): Promise<void>
}

export interface BenchStoreOptions {
  /** The gateway's window, shortened by the time scale. */
  windowMs: number
  /** The storefront poll interval, scaled the same way. */
  pollIntervalMs: number
}

async function adminQuery(...statements: string[]): Promise<void> {
  const client = new Client({ connectionString: "postgres://postgres@localhost:5432/postgres" })
  await client.connect()
  try {
    for (const statement of statements) await client.query(statement)
  } finally {
    await client.end()
  }
}

async function waitForHealth(url: string, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs
  for (;;) {
    try {
      if ((await fetch(`${url}/health`)).status === 200) return
    } catch {
      // not up yet
    }
    if (Date.now() > until) throw new Error(`Medusa did not answer ${url}/health within ${timeoutMs / 1000}s: see .bench/medusa.log`)
    await new Promise((resolve) => setTimeout(resolve, 500))
  }
}

export async function startBenchStore(options: BenchStoreOptions): Promise<BenchStore> {
  mkdirSync(stateDir, { recursive: true })
  const database = `usdt_bench_budget_${process.pid}`
  await adminQuery(`drop database if exists "${database}" with (force)`, `create database "${database}"`)
  const sandbox = await startSandbox({ port: 0, merchants: [BENCH_MERCHANT], quiet: true, rateLimit: { limit: 120, windowMs: options.windowMs } })
  const port = await freePort()
  const storeUrl = `http://127.0.0.1:${port}`
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "development",
    MEDUSA_DISABLE_TELEMETRY: "true",
    MEDUSA_ADMIN_DISABLED: "true",
    DATABASE_URL: `postgres://postgres@localhost:5432/${database}`,
    PORT: String(port),
    STORE_CORS: "http://localhost:8000",
    USDT_GATEWAY_URL: sandbox.url,
    USDT_MERCHANT_ID: String(BENCH_MERCHANT.id),
    USDT_API_KEY: BENCH_MERCHANT.apiKey,
    USDT_WEBHOOK_SECRET: BENCH_MERCHANT.webhookSecret,
    USDT_BACKEND_URL: storeUrl,
    USDT_SUCCESS_URL: "http://localhost:8000/order",
    USDT_HTTP_RATE_LIMIT: "120",
    USDT_HTTP_RATE_WINDOW_MS: String(options.windowMs),
    USDT_STOREFRONT_POLL_INTERVAL_MS: String(options.pollIntervalMs),
  }
  const medusa = join(root, "node_modules", ".bin", "medusa")
  console.log("[budget] migrating the benchmark's database…")
  await runStep(medusa, ["db:migrate"], { env, cwd: root, label: "migrating", logFile: join(stateDir, "migrate.log") })
  await runStep(medusa, ["exec", "./bench/budget-seed.ts"], { env, cwd: root, label: "seeding", logFile: join(stateDir, "seed.log") })
  const seed = seedSchema.parse(JSON.parse(readFileSync(join(stateDir, "seed.json"), "utf8")))
  const log = createWriteStream(join(stateDir, "medusa.log"))
  startService(medusa, ["start"], { env, cwd: root, log })
  await waitForHealth(storeUrl, 180_000)
  console.log(`[budget] Medusa on ${storeUrl}, sandbox on ${sandbox.url}`)
  return {
    storeUrl,
    sandbox,
    seed,
    async stop() {
      await stopAll()
      await sandbox.stop()
      await adminQuery(`drop database if exists "${database}" with (force)`)
    },
  }
}
