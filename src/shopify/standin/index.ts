/**
 * A local stand-in for Shopify (which cannot be reached from here), for tests, the demo and the
 * benchmarks: OAuth authorize/token, the Payments Apps GraphQL mutations with Shopify's state
 * rules, payment/refund session requests and signed webhooks sent to the app, faults, and a
 * control API under /__standin/. Point the app at it with SHOPIFY_API_ORIGIN=<its url>.
 */
import { createRouter, type Reply } from "../http/router"
import { listen } from "../http/server"
import { registerCheckoutPage } from "./checkout-page"
import { registerControl } from "./control"
import { createPaymentsAppsGraphql } from "./graphql"
import { createOAuth } from "./oauth"
import { registerOpenApp } from "./open-app"
import { type StandinInput, standinOptionsSchema } from "./options"
import { createSender } from "./sender"
import { createStandinState, type StandinState } from "./state"

export interface RunningStandin {
  url: string
  state: StandinState
  stop(): Promise<void>
}

function page(title: string): Reply {
  return { status: 200, headers: { "content-type": "text/html; charset=utf-8" }, body: `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head><body><h1>${title}</h1></body></html>` }
}

export async function startStandin(input: StandinInput): Promise<RunningStandin> {
  const options = standinOptionsSchema.parse(input)
  const state = createStandinState()
  let baseUrl = ""
  const router = createRouter()
  const oauth = createOAuth(options, state)
  oauth.register(router)
  registerOpenApp(router, options)
  createPaymentsAppsGraphql(options, state, () => baseUrl).register(router)
  const sender = createSender(options, state, () => baseUrl)
  registerControl(router, { options, state, sender, oauth })
  registerCheckoutPage(router, { state, sender, shop: () => options.shop })
  router.add("GET", "/checkouts/:id/thank-you", async () => page("Payment resolved — thank you for your order"))
  router.add("GET", "/checkouts/:id/failed", async () => page("Payment rejected"))
  router.add("GET", "/checkouts/:id/cancel", async () => page("Checkout canceled"))
  const server = await listen(router, {
    port: options.port,
    host: options.host,
    onError: (message) => {
      if (!options.quiet) console.warn(`[standin] ${message}`)
    },
  })
  baseUrl = server.url
  if (!options.quiet) console.log(`[standin] Shopify stand-in on ${baseUrl} for the app at ${options.appUrl}`)
  return { url: baseUrl, state, stop: () => server.close() }
}
