/**
 * Install: GET /shopify/auth?shop=… starts OAuth (offline access), GET /shopify/auth/callback
 * completes it (HMAC, state cookie, token request — all checked by the library), asking for an
 * expiring offline token; the session goes to the PostgreSQL session storage.
 */
import type { AppContext } from "../context"
import { problem, type Router } from "../http/router"
import { shopDomain } from "../schemas"

export const AUTH_PATH = "/shopify/auth"
export const AUTH_CALLBACK_PATH = "/shopify/auth/callback"

export function registerAuthRoutes(router: Router, ctx: AppContext): void {
  router.add("GET", AUTH_PATH, async (incoming) => {
    const shop = shopDomain.safeParse(incoming.query.get("shop") ?? "")
    if (!shop.success) return problem(400, "Query parameter shop must be a {shop}.myshopify.com domain.")
    await ctx.shopify.auth.begin({ shop: shop.data, callbackPath: AUTH_CALLBACK_PATH, isOnline: false, rawRequest: incoming.req, rawResponse: incoming.res })
    return null
  })

  router.add("GET", AUTH_CALLBACK_PATH, async (incoming) => {
    let session
    try {
      ;({ session } = await ctx.shopify.auth.callback({ rawRequest: incoming.req, rawResponse: incoming.res, expiring: true }))
    } catch (error) {
      const name = error instanceof Error ? error.name : "Error"
      return problem(400, `The install could not be completed (${name}); start again from the Shopify admin.`)
    }
    await ctx.sessions.storeSession(session)
    await ctx.shops.markInstalled(session.shop)
    ctx.log.info(`${session.shop} installed the app`)
    return { status: 200, headers: { "content-type": "application/json; charset=utf-8" }, body: { installed: session.shop } }
  })
}
