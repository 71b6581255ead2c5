/**
 * GET /shopify/return/:shop/:reference — where the shopper lands from the gateway's success_url
 * (and from a session rejected up front): sent on to Shopify's nextAction redirect once the
 * session is settled, shown a self-refreshing wait page until then.
 */
import type { AppContext } from "../context"
import { problem, redirect, type Reply, type Router } from "../http/router"

function page(title: string, text: string, refresh: boolean, link?: { href: string; label: string }): Reply {
  const escape = (value: string) => value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
  const body = `<!doctype html><html><head><meta charset="utf-8"><title>${escape(title)}</title>${refresh ? '<meta http-equiv="refresh" content="2">' : ""}</head><body><main><h1>${escape(title)}</h1><p>${escape(text)}</p>${link ? `<p><a href="${escape(link.href)}">${escape(link.label)}</a></p>` : ""}</main></body></html>`
  return { status: 200, headers: { "content-type": "text/html; charset=utf-8" }, body }
}

export function registerReturnRoutes(router: Router, ctx: AppContext): void {
  router.add("GET", "/shopify/return/:shop/:reference", async (incoming) => {
    const session = await ctx.payments.byReference(incoming.params.shop.toLowerCase(), incoming.params.reference)
    if (!session) return problem(404, "No such checkout.")
    if (session.nextActionUrl) return redirect(session.nextActionUrl)
    if (session.status === "failed") {
      return page("Payment not completed", "This USDT payment could not be completed.", false, session.cancelUrl ? { href: session.cancelUrl, label: "Back to the store" } : undefined)
    }
    return page("Confirming your USDT payment…", "This page updates by itself once the payment is confirmed.", true)
  })
}
