/**
 * `npm run demo:shopify`: the Shopify payments app on this machine. Starts the sandbox gateway,
 * the Shopify stand-in (shop usdt-demo.myshopify.com, installed through OAuth, with sandbox
 * credentials saved) and the app; prints the URLs and writes .demo/shopify-ready.json. The
 * stand-in's page at its root is a small checkout: choose an amount, "Pay with USDT", pay on the
 * hosted page, land on "payment resolved". Ctrl-C stops everything; a second run reuses the database.
 * Env: PORT, STANDIN_PORT, SANDBOX_PORT, DATABASE_URL, REDIS_URL, SHOPIFY_QUEUE_PREFIX,
 * DEMO_STATE_DIR (default .demo), SANDBOX_MERCHANT_ID / SANDBOX_API_KEY / SANDBOX_WEBHOOK_SECRET.
 */
import { randomBytes } from "node:crypto"
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { startLocalStack } from "../src/shopify/local-stack"

const SHOP = "usdt-demo.myshopify.com"
const stateDir = process.env.DEMO_STATE_DIR || join(__dirname, "..", ".demo")
const readyFile = join(stateDir, "shopify-ready.json")

/** The key that encrypts the shop's gateway secrets: made once, kept in .demo/. */
function encryptionKey(): string {
  if (process.env.USDT_ENCRYPTION_KEY) return process.env.USDT_ENCRYPTION_KEY
  const file = join(stateDir, "shopify-encryption-key")
  if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString("hex"), { mode: 0o600 })
  return readFileSync(file, "utf8").trim()
}

async function main(): Promise<void> {
  mkdirSync(stateDir, { recursive: true })
  rmSync(readyFile, { force: true })
  const merchant = {
    id: Number(process.env.SANDBOX_MERCHANT_ID || 1),
    apiKey: process.env.SANDBOX_API_KEY || "sk_sandbox_local_shopify_demo_key",
    webhookSecret: process.env.SANDBOX_WEBHOOK_SECRET || "whsec_sandbox_local_shopify_demo",
  }
  const stack = await startLocalStack({
    databaseUrl: process.env.DATABASE_URL || "postgres://postgres@localhost:5432/usdt_shopify_demo",
    redisUrl: process.env.REDIS_URL || "redis://127.0.0.1:6379",
    queuePrefix: process.env.SHOPIFY_QUEUE_PREFIX || "usdt-shopify-demo",
    shops: { [SHOP]: merchant },
    port: Number(process.env.PORT || 8081),
    standinPort: Number(process.env.STANDIN_PORT || 8082),
    sandboxPort: Number(process.env.SANDBOX_PORT || 4011),
    quiet: true,
    env: { USDT_ENCRYPTION_KEY: encryptionKey() },
  })
  const installed = await stack.install(SHOP)
  if (!installed.installed) {
    await stack.stop()
    throw new Error(`${SHOP} did not install (HTTP ${installed.status_code})`)
  }
  await stack.app.ctx.reconcile?.schedule(SHOP)
  const ready = {
    app_url: stack.appUrl,
    standin_url: stack.standin.url,
    sandbox_url: stack.sandbox.url,
    shop: SHOP,
    // Opening it is the merchant opening the app from the (stand-in) Shopify admin: a signed launch.
    merchant_page_url: `${stack.standin.url}/__standin/open-app?shop=${SHOP}`,
  }
  writeFileSync(readyFile, JSON.stringify(ready, null, 2))
  console.log(`
USDT for Shopify demo is ready.
  Checkout (buy with USDT)   ${ready.standin_url}/
  Payments app               ${ready.app_url}   (shop ${SHOP}, installed, sandbox credentials saved)
  Merchant page              ${ready.merchant_page_url}
  Shopify stand-in           ${ready.standin_url}/__standin/…
  Sandbox gateway            ${ready.sandbox_url}
Press Ctrl-C to stop everything.`)
  let stopping = false
  const stop = () => {
    if (stopping) return
    stopping = true
    rmSync(readyFile, { force: true })
    stack.stop().then(
      () => process.exit(0),
      () => process.exit(1)
    )
  }
  process.on("SIGINT", stop)
  process.on("SIGTERM", stop)
}

main().catch((error: unknown) => {
  console.error(`[demo:shopify] ${error instanceof Error ? error.message : String(error)}`)
  process.exit(1)
})
