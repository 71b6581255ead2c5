/**
 * `npm run shopify`: the Shopify payments app (HTTP and job workers). With SHOPIFY_WORKERS=off it
 * serves HTTP only; `npm run shopify:worker` runs the workers alone (scale them apart).
 * A missing or bad setting stops start-up with one line naming it.
 */
import { startShopifyApp } from "./app"
import { loadConfig, ShopifyConfigError } from "./config"

async function main(): Promise<void> {
  const workersOnly = process.argv.includes("--workers-only")
  const config = loadConfig(workersOnly ? { ...process.env, SHOPIFY_WORKERS: "on" } : process.env)
  const app = await startShopifyApp(config, { http: !workersOnly })
  let stopping = false
  const stop = () => {
    if (stopping) return
    stopping = true
    app.close().then(
      () => process.exit(0),
      () => process.exit(1)
    )
  }
  process.on("SIGINT", stop)
  process.on("SIGTERM", stop)
  if (workersOnly) console.log("[shopify] workers running")
}

main().catch((error: unknown) => {
  if (error instanceof ShopifyConfigError) console.error(`[shopify] configuration: ${error.message}`)
  else console.error(`[shopify] failed to start: ${error instanceof Error ? error.message : String(error)}`)
  process.exit(1)
})
