/**
 * The stand-in's small storefront checkout for the demo: choose an amount, "Pay with USDT" sends
 * Shopify's payment session request to the app and follows its redirect_url to the gateway's
 * hosted page; after paying, the app sends the shopper on to the "payment resolved" page here.
 */
import { randomUUID } from "node:crypto"
import { problem, type Reply, type Router } from "../http/router"
import type { Sender } from "./sender"
import type { StandinState } from "./state"

const html = (title: string, body: string): Reply => ({
  status: 200,
  headers: { "content-type": "text/html; charset=utf-8" },
  body: `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title><style>body{font-family:system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem}button{padding:.6rem 1.2rem;font-size:1rem}</style></head><body>${body}</body></html>`,
})

export function registerCheckoutPage(router: Router, deps: { state: StandinState; sender: Sender; shop: () => string }): void {
  router.add("GET", "/", async () =>
    html(
      "Checkout",
      `<h1>Checkout</h1><p>Shop: ${deps.shop()}</p><form method="post" action="/checkout"><label>Amount (USD) <input name="amount" value="19.99" pattern="\\d+(\\.\\d{1,2})?" required></label><p><button type="submit">Pay with USDT</button></p></form>`
    )
  )
  router.add("POST", "/checkout", async (incoming) => {
    const amount = new URLSearchParams(incoming.rawBody.toString("utf8")).get("amount") ?? ""
    if (!/^\d+(\.\d{1,2})?$/.test(amount)) return problem(400, "The amount must look like 19.99.")
    const id = randomUUID()
    const payment = deps.sender.newPayment({ id, shop: deps.shop(), amount, currency: "USD" })
    deps.state.payments.set(id, payment)
    const result = await deps.sender.sendPayment(payment)
    if (!payment.redirectUrl) return problem(502, `The payments app answered ${result.statusCode}.`)
    return { status: 303, headers: { location: payment.redirectUrl } }
  })
}
