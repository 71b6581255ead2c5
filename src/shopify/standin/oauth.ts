/**
 * Shopify's OAuth, played locally: the authorize page (auto-approves and redirects to the app's
 * callback with Shopify's hex HMAC over the sorted query), the token endpoint (authorization code
 * once, expiring offline tokens with a rotating refresh token), and `install`, which walks a
 * merchant's browser through the whole dance against the app.
 */
import { createHmac, randomBytes } from "node:crypto"
import { z } from "zod"
import { json, problem, type Router } from "../http/router"
import { appFetch } from "./app-client"
import type { StandinOptions } from "./options"
import type { StandinState } from "./state"

const BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"
const token = (prefix: string) => `${prefix}_${randomBytes(18).toString("hex")}`

/** Shopify's callback signature: hex HMAC-SHA256 of the sorted query without `hmac`. */
export function signCallbackQuery(secret: string, query: Record<string, string>): string {
  const sorted = new URLSearchParams(Object.keys(query).sort((a, b) => a.localeCompare(b)).map((key) => [key, query[key]]))
  return createHmac("sha256", secret).update(sorted.toString()).digest("hex")
}

const tokenRequest = z.union([
  z.object({ client_id: z.string(), client_secret: z.string(), code: z.string(), expiring: z.string().optional() }),
  z.object({ client_id: z.string(), client_secret: z.string(), grant_type: z.literal("refresh_token"), refresh_token: z.string() }),
])

export function createOAuth(options: StandinOptions, state: StandinState) {
  const send = appFetch(options)
  /** The redirect to the app's callback for an approved authorize request, or an error text. */
  function authorize(shop: string, query: URLSearchParams): { location: string } | { error: string } {
    if (query.get("client_id") !== options.apiKey) return { error: "unknown client_id" }
    const redirectUri = query.get("redirect_uri")
    if (!redirectUri || !redirectUri.startsWith(options.appUrl)) return { error: "redirect_uri is not the app's" }
    const code = token("code")
    state.codes.set(code, shop)
    const params: Record<string, string> = {
      code,
      host: Buffer.from(`admin.shopify.com/store/${shop.split(".")[0]}`).toString("base64url"),
      shop,
      state: query.get("state") ?? "",
      timestamp: String(Math.floor(Date.now() / 1000)),
    }
    const url = new URL(redirectUri)
    for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value)
    url.searchParams.set("hmac", signCallbackQuery(options.apiSecret, params))
    return { location: url.toString() }
  }

  function issue(shop: string, expiring: boolean, scope: string) {
    const record = {
      shop,
      scope,
      accessToken: token("shpat"),
      refreshToken: expiring ? token("shprt") : null,
      accessExpiresAt: expiring ? Date.now() + options.tokenTtlSeconds * 1000 : null,
    }
    state.shops.set(shop, { ...state.shops.get(shop), ...record })
    return {
      access_token: record.accessToken,
      scope,
      ...(expiring && { expires_in: options.tokenTtlSeconds, refresh_token: record.refreshToken, refresh_token_expires_in: 90 * 24 * 3600 }),
    }
  }

  return {
    register(router: Router): void {
      router.add("GET", "/admin/oauth/authorize", async (incoming) => {
        const shop = incoming.query.get("shop") ?? String(incoming.headers["x-forwarded-host"] ?? options.shop)
        const result = authorize(shop, incoming.query)
        return "error" in result ? problem(400, result.error) : { status: 302, headers: { location: result.location } }
      })
      router.add("POST", "/admin/oauth/access_token", async (incoming) => {
        const parsed = tokenRequest.safeParse(JSON.parse(incoming.rawBody.toString("utf8") || "{}"))
        if (!parsed.success) return json(400, { error: "invalid_request" })
        const body = parsed.data
        if (body.client_id !== options.apiKey || body.client_secret !== options.apiSecret) return json(401, { error: "invalid_client" })
        if ("code" in body) {
          const shop = state.codes.get(body.code)
          state.codes.delete(body.code)
          if (!shop) return json(400, { error: "invalid_grant", error_description: "the authorization code was used or is unknown" })
          return json(200, issue(shop, body.expiring === "1", options.scopes))
        }
        const shop = [...state.shops.values()].find((candidate) => candidate.refreshToken === body.refresh_token)
        if (!shop) return json(400, { error: "invalid_grant", error_description: "unknown refresh token" })
        return json(200, issue(shop.shop, true, shop.scope))
      })
    },

    /** A merchant installs the app: begin → authorize → callback, cookies carried by hand. */
    async install(shop: string): Promise<{ shop: string; status_code: number; installed: boolean }> {
      const begin = await send(`${options.appUrl}/shopify/auth?shop=${encodeURIComponent(shop)}`, { redirect: "manual", headers: { "user-agent": BROWSER } })
      const location = begin.headers.get("location")
      if (begin.status !== 302 || !location) return { shop, status_code: begin.status, installed: false }
      const cookies = begin.headers.getSetCookie().map((cookie) => cookie.split(";")[0]).join("; ")
      const target = new URL(location)
      if (target.hostname !== shop || target.pathname !== "/admin/oauth/authorize") return { shop, status_code: 502, installed: false }
      const approved = authorize(shop, target.searchParams)
      if ("error" in approved) return { shop, status_code: 400, installed: false }
      const callback = await send(approved.location, { redirect: "manual", headers: { "user-agent": BROWSER, cookie: cookies } })
      await callback.text()
      return { shop, status_code: callback.status, installed: callback.ok && state.shops.has(shop) }
    },
  }
}
