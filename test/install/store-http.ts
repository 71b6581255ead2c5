/**
 * The installed store as its owner and a shopper reach it: JSON over HTTP with fetch (the process
 * tier's `requestJson`), every answer parsed with zod, every unexpected status an error carrying
 * the body.
 */
import { z } from "zod"
import type { HttpAnswer } from "../integration/medusa/helpers/storefront"
import { requestJson } from "../process/store-http"

export function expectStatus<T extends z.ZodType>(answer: HttpAnswer, status: number, what: string, schema: T): z.output<T> {
  if (answer.status !== status) throw new Error(`${what}: expected ${status}, got ${answer.status} ${JSON.stringify(answer.data)}`)
  return schema.parse(answer.data)
}

const idOnly = z.looseObject({ id: z.string() })

/** The store owner's part: an admin token, a publishable key, a USD region with the USDT provider, a product. */
export async function prepareStore(baseUrl: string, admin: { email: string; password: string }) {
  const login = await requestJson(`${baseUrl}/auth/user/emailpass`, { method: "POST", body: admin })
  const { token } = expectStatus(login, 200, "admin login", z.object({ token: z.string() }))
  const headers = { authorization: `Bearer ${token}` }
  const post = (path: string, body: unknown) => requestJson(`${baseUrl}${path}`, { method: "POST", headers, body })

  const channels = await requestJson(`${baseUrl}/admin/sales-channels`, { headers })
  const channel = expectStatus(channels, 200, "sales channels", z.looseObject({ sales_channels: z.array(idOnly).min(1) })).sales_channels[0]

  const key = expectStatus(
    await post("/admin/api-keys", { title: "Install test storefront", type: "publishable" }),
    200,
    "publishable key",
    z.looseObject({ api_key: z.looseObject({ id: z.string(), token: z.string() }) })
  ).api_key
  expectStatus(await post(`/admin/api-keys/${key.id}/sales-channels`, { add: [channel.id] }), 200, "key → sales channel", z.unknown())

  const region = expectStatus(
    await post("/admin/regions", { name: "United States", currency_code: "usd", countries: ["us"], payment_providers: ["pp_usdt_usdt"] }),
    200,
    "USD region with pp_usdt_usdt",
    z.looseObject({ region: idOnly })
  ).region

  const product = expectStatus(
    await post("/admin/products", {
      title: "USDT tee",
      status: "published",
      options: [{ title: "Size", values: ["M"] }],
      variants: [{ title: "M", options: { Size: "M" }, manage_inventory: false, prices: [{ currency_code: "usd", amount: 10.5 }] }],
      sales_channels: [{ id: channel.id }],
    }),
    200,
    "product",
    z.looseObject({ product: z.looseObject({ variants: z.array(idOnly).min(1) }) })
  ).product

  return { headers, publishableKey: key.token, regionId: region.id, variantId: product.variants[0].id }
}

const sessionSchema = z.looseObject({ id: z.string(), provider_id: z.string(), data: z.record(z.string(), z.unknown()) })

/** The shopper's part: a cart with the tee, its payment collection and a USDT session; answers the checkout URL. */
export async function usdtCheckout(baseUrl: string, store: { publishableKey: string; regionId: string; variantId: string }) {
  const headers = { "x-publishable-api-key": store.publishableKey }
  const post = (path: string, body: unknown) => requestJson(`${baseUrl}${path}`, { method: "POST", headers, body })
  const cart = expectStatus(
    await post("/store/carts", { region_id: store.regionId, email: "shopper@example.com", items: [{ variant_id: store.variantId, quantity: 1 }] }),
    200,
    "cart",
    z.looseObject({ cart: idOnly })
  ).cart
  const collection = expectStatus(
    await post("/store/payment-collections", { cart_id: cart.id }),
    200,
    "payment collection",
    z.looseObject({ payment_collection: idOnly })
  ).payment_collection
  const withSession = expectStatus(
    await post(`/store/payment-collections/${collection.id}/payment-sessions`, { provider_id: "pp_usdt_usdt" }),
    200,
    "USDT payment session",
    z.looseObject({ payment_collection: z.looseObject({ payment_sessions: z.array(sessionSchema) }) })
  ).payment_collection
  const session = withSession.payment_sessions.find((s) => s.provider_id === "pp_usdt_usdt")
  if (!session) throw new Error("the payment collection has no pp_usdt_usdt session")
  const checkoutUrl = z.string().url().parse(session.data.checkout_url)
  return {
    cartId: cart.id,
    sessionId: session.id,
    checkoutUrl,
    complete: () => post(`/store/carts/${cart.id}/complete`, {}),
  }
}
