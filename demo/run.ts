/**
 * `npm run demo`: a store you can pay in with USDT, in one command.
 *
 * Starts the sandbox gateway, prepares the database (created when missing, migrated, seeded
 * idempotently), starts Medusa with this plugin and its admin, and serves a minimal storefront.
 * When everything answers it prints the URLs and the admin login and writes them to
 * .demo/ready.json. Ctrl-C stops every process it started.
 *
 *   DATABASE_URL     default postgres://postgres@localhost:5432/usdt_demo
 *   REDIS_URL        optional; without it Medusa uses its in-memory modules
 *   MEDUSA_PORT      default 9000     STOREFRONT_PORT default 8000     SANDBOX_PORT default 4010
 */
import { randomBytes } from "node:crypto"
import { createWriteStream, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { type RunningSandbox, startSandbox } from "../src/sandbox"
import { assertPortsFree, DemoError, ensureDatabase } from "./preflight"
import { runStep, startService, stopAll } from "./processes"
import { startStorefront } from "./storefront-server"

const root = join(__dirname, "..")
const stateDir = join(root, ".demo")
const PROVIDER_ID = "pp_usdt_usdt"

function envPort(name: string, fallback: number): number {
  const value = process.env[name]
  if (value === undefined || value === "") return fallback
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 65535) throw new DemoError(`${name} must be a port number, got "${value}".`)
  return Number(value)
}

/** The key that encrypts gateway secrets saved from the admin: made once, kept in .demo/. */
function encryptionKey(): string {
  if (process.env.USDT_ENCRYPTION_KEY) return process.env.USDT_ENCRYPTION_KEY
  const file = join(stateDir, "encryption.key")
  if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString("hex"), { mode: 0o600 })
  return readFileSync(file, "utf8").trim()
}

async function waitFor(url: string, what: string, timeoutMs: number, isAlive: () => boolean): Promise<void> {
  const started = Date.now()
  let lastReport = started
  for (;;) {
    try {
      const response = await fetch(url, { redirect: "manual" })
      if (response.status < 500) return
    } catch {
      // not up yet
    }
    if (!isAlive()) throw new DemoError(`${what} stopped while starting: see .demo/medusa.log.`)
    if (Date.now() - started > timeoutMs) throw new DemoError(`${what} did not answer at ${url} within ${timeoutMs / 1000}s: see .demo/medusa.log.`)
    if (Date.now() - lastReport >= 5000) {
      lastReport = Date.now()
      console.log(`[demo] waiting for ${what}… ${Math.round((Date.now() - started) / 1000)}s`)
    }
    await new Promise((resolve) => setTimeout(resolve, 500))
  }
}

async function main(): Promise<void> {
  mkdirSync(stateDir, { recursive: true })
  rmSync(join(stateDir, "ready.json"), { force: true })
  const databaseUrl = process.env.DATABASE_URL || "postgres://postgres@localhost:5432/usdt_demo"
  const ports = { MEDUSA_PORT: envPort("MEDUSA_PORT", 9000), STOREFRONT_PORT: envPort("STOREFRONT_PORT", 8000), SANDBOX_PORT: envPort("SANDBOX_PORT", 4010) }
  await assertPortsFree(ports)

  const storeUrl = `http://localhost:${ports.MEDUSA_PORT}`
  const storefrontUrl = `http://localhost:${ports.STOREFRONT_PORT}`
  const merchant = {
    id: Number(process.env.SANDBOX_MERCHANT_ID || 1),
    apiKey: process.env.SANDBOX_API_KEY || "sk_sandbox_local_demo_key",
    webhookSecret: process.env.SANDBOX_WEBHOOK_SECRET || "whsec_sandbox_local_demo_secret",
  }

  console.log(`[demo] database ${new URL(databaseUrl).pathname.slice(1)}: checking…`)
  const database = await ensureDatabase(databaseUrl)
  console.log(`[demo] database ${database === "created" ? "created" : "found"}`)

  const sandbox: RunningSandbox = await startSandbox({ port: ports.SANDBOX_PORT, host: "127.0.0.1", merchants: [merchant], quiet: true })
  const sandboxUrl = sandbox.url
  console.log(`[demo] sandbox gateway on ${sandboxUrl}`)

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "development",
    MEDUSA_DISABLE_TELEMETRY: "true",
    DATABASE_URL: databaseUrl,
    PORT: String(ports.MEDUSA_PORT),
    STORE_CORS: `${storefrontUrl},http://127.0.0.1:${ports.STOREFRONT_PORT}`,
    ADMIN_CORS: `${storeUrl},http://127.0.0.1:${ports.MEDUSA_PORT}`,
    AUTH_CORS: `${storefrontUrl},${storeUrl}`,
    USDT_GATEWAY_URL: sandboxUrl,
    USDT_MERCHANT_ID: String(merchant.id),
    USDT_API_KEY: merchant.apiKey,
    USDT_WEBHOOK_SECRET: merchant.webhookSecret,
    USDT_BACKEND_URL: storeUrl,
    USDT_SUCCESS_URL: `${storefrontUrl}/order.html`,
    USDT_CANCEL_URL: `${storefrontUrl}/`,
    // The demo's gateway is the local sandbox on plain http: allow it (loopback only).
    USDT_ALLOW_INSECURE_GATEWAY_URL: "true",
    USDT_ENCRYPTION_KEY: encryptionKey(),
  }
  const medusa = join(root, "node_modules", ".bin", "medusa")
  console.log("[demo] running migrations (about a minute on a new database)…")
  await runStep(medusa, ["db:migrate"], { env, cwd: root, label: "migrating", logFile: join(stateDir, "migrate.log") }).catch((error: Error) => {
    throw new DemoError(`${error.message} — fix what it says (or drop the database ${new URL(databaseUrl).pathname.slice(1)} to start afresh) and run npm run demo again.`)
  })
  console.log("[demo] seeding the store…")
  await runStep(medusa, ["exec", "./demo/seed.ts"], { env, cwd: root, label: "seeding", logFile: join(stateDir, "seed.log") })
  const seed = JSON.parse(readFileSync(join(stateDir, "seed.json"), "utf8")) as { publishableKey: string; regionId: string; variantId: string; reused: boolean }
  console.log(`[demo] store ${seed.reused ? "reused from an earlier run" : "seeded"}`)

  const storefront = await startStorefront(ports.STOREFRONT_PORT, {
    storeUrl,
    publishableKey: seed.publishableKey,
    regionId: seed.regionId,
    variantId: seed.variantId,
    providerId: PROVIDER_ID,
  })
  console.log(`[demo] storefront on ${storefrontUrl}`)

  const log = createWriteStream(join(stateDir, "medusa.log"), { flags: "a" })
  const server = startService(medusa, ["start"], { env, cwd: root, log })
  let serverAlive = true
  let stopping = false
  server.on("exit", (code) => {
    serverAlive = false
    if (!stopping) {
      console.error(`[demo] Medusa stopped (exit ${code}): see .demo/medusa.log. Stopping the demo.`)
      void shutdown(1)
    }
  })
  async function shutdown(code: number): Promise<void> {
    if (stopping) return
    stopping = true
    console.log("[demo] stopping…")
    await stopAll()
    await new Promise<void>((resolve) => storefront.close(() => resolve()))
    await sandbox.stop()
    rmSync(join(stateDir, "ready.json"), { force: true })
    process.exit(code)
  }
  process.on("SIGINT", () => void shutdown(0))
  process.on("SIGTERM", () => void shutdown(0))

  console.log("[demo] starting Medusa with the USDT plugin and its admin…")
  await waitFor(`${storeUrl}/health`, "Medusa", 180_000, () => serverAlive)
  await waitFor(`${storeUrl}/app`, "the Medusa admin", 60_000, () => serverAlive)

  const ready = {
    store_url: storeUrl,
    admin_url: `${storeUrl}/app`,
    storefront_url: storefrontUrl,
    sandbox_url: sandboxUrl,
    publishable_key: seed.publishableKey,
    admin_email: process.env.DEMO_ADMIN_EMAIL ?? "admin@usdt-demo.local",
    admin_password: process.env.DEMO_ADMIN_PASSWORD ?? "usdt-demo-admin",
    provider_id: PROVIDER_ID,
  }
  writeFileSync(join(stateDir, "ready.json"), JSON.stringify(ready, null, 2))
  console.log(`
USDT demo is ready.
  Storefront (buy with USDT)  ${ready.storefront_url}
  Medusa admin                ${ready.admin_url}   login ${ready.admin_email} / ${ready.admin_password}
  Store API                   ${ready.store_url}   publishable key ${ready.publishable_key}
  Sandbox gateway             ${ready.sandbox_url}
  Provider                    ${ready.provider_id}   webhook URL ${storeUrl}/hooks/usdt
Medusa's log: .demo/medusa.log. Press Ctrl-C to stop everything.`)
}

main().catch(async (error: unknown) => {
  const message = error instanceof DemoError ? error.message : error instanceof Error ? error.message : String(error)
  console.error(`[demo] ${message}`)
  await stopAll()
  process.exit(1)
})
