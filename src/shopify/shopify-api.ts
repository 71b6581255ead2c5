/**
 * The `@shopify/shopify-api` instance (node adapter, offline tokens), and the one fetch function
 * every call to Shopify goes through. With SHOPIFY_API_ORIGIN set, a request for
 * https://{shop}.myshopify.com/… goes to that origin instead (the shop travels in
 * `X-Forwarded-Host`), so any stand-in speaking Shopify's protocol can be plugged in. Every call
 * has a deadline.
 */
import "@shopify/shopify-api/adapters/node"
import { LogSeverity, shopifyApi } from "@shopify/shopify-api"
import { setAbstractFetchFunc } from "@shopify/shopify-api/runtime"
import type { ShopifyAppConfig } from "./config"

export type ShopifyFetch = (input: string | URL | Request, init?: RequestInit) => Promise<Response>

const SHOP_HOST = /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/i
/** No call to Shopify may hang a request or a job: each one has this long, unless it brings its own signal. */
export const SHOPIFY_CALL_TIMEOUT_MS = 15_000

export function routedFetch(apiOrigin: string | undefined): ShopifyFetch {
  return (input, init) => {
    const timed = { ...init, signal: init?.signal ?? AbortSignal.timeout(SHOPIFY_CALL_TIMEOUT_MS) }
    const url = new URL(input instanceof Request ? input.url : String(input))
    if (!apiOrigin || !SHOP_HOST.test(url.hostname)) return fetch(input, timed)
    const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined))
    headers.set("x-forwarded-host", url.hostname)
    return fetch(`${apiOrigin}${url.pathname}${url.search}`, { ...timed, headers })
  }
}

export function createShopifyApi(config: ShopifyAppConfig) {
  const appUrl = new URL(config.appUrl)
  const fetchFn = routedFetch(config.apiOrigin)
  // The library keeps its fetch as module state (set by the adapter import): route it once here.
  setAbstractFetchFunc(fetchFn)
  const api = shopifyApi({
    apiKey: config.apiKey,
    apiSecretKey: config.apiSecret,
    scopes: config.scopes,
    hostName: appUrl.host,
    hostScheme: appUrl.protocol === "http:" ? "http" : "https",
    apiVersion: config.apiVersion,
    isEmbeddedApp: false,
    logger: { level: LogSeverity.Warning, log: () => undefined },
  })
  return { api, fetch: fetchFn }
}

export type ShopifyApi = ReturnType<typeof createShopifyApi>["api"]
