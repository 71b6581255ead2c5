/**
 * The merchant opening the app from the Shopify admin: `GET /__standin/open-app?shop=…` redirects
 * the browser to the app's URL (/admin) with `shop`, `host`, `timestamp` and Shopify's hex HMAC
 * over the sorted query, exactly how Shopify launches a non-embedded app.
 */
import { problem, type Router } from "../http/router"
import { signCallbackQuery } from "./oauth"
import type { StandinOptions } from "./options"

const SHOP = /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/

export function launchUrl(options: Pick<StandinOptions, "apiSecret" | "appUrl">, shop: string, now = Date.now()): string {
  const params: Record<string, string> = {
    host: Buffer.from(`admin.shopify.com/store/${shop.split(".")[0]}`).toString("base64url"),
    shop,
    timestamp: String(Math.floor(now / 1000)),
  }
  const url = new URL("/admin", options.appUrl)
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value)
  url.searchParams.set("hmac", signCallbackQuery(options.apiSecret, params))
  return url.toString()
}

export function registerOpenApp(router: Router, options: StandinOptions): void {
  router.add("GET", "/__standin/open-app", async (incoming) => {
    const shop = incoming.query.get("shop") ?? options.shop
    if (!SHOP.test(shop)) return problem(400, "Query parameter shop must be a {shop}.myshopify.com domain.")
    return { status: 302, headers: { location: launchUrl(options, shop) } }
  })
}
