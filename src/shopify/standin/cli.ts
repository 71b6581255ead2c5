/**
 * `npm run shopify:standin`: the Shopify stand-in on STANDIN_PORT (default 8082), for the app at
 * SHOPIFY_APP_URL with the app's SHOPIFY_API_KEY / SHOPIFY_API_SECRET.
 */
import { startStandin } from "./index"

const need = (name: string): string => {
  const value = process.env[name]
  if (!value) {
    console.error(`[standin] ${name} is not set`)
    process.exit(1)
  }
  return value
}

startStandin({
  apiKey: need("SHOPIFY_API_KEY"),
  apiSecret: need("SHOPIFY_API_SECRET"),
  appUrl: need("SHOPIFY_APP_URL"),
  port: Number(process.env.STANDIN_PORT ?? 8082),
  shop: process.env.STANDIN_SHOP || undefined,
}).then(
  (standin) => {
    const stop = () => standin.stop().then(() => process.exit(0))
    process.on("SIGINT", stop)
    process.on("SIGTERM", stop)
  },
  (error: unknown) => {
    console.error(`[standin] failed to start: ${error instanceof Error ? error.message : String(error)}`)
    process.exit(1)
  }
)
