/**
 * A storefront and an admin, as HTTP clients of the running store: the runner's axios
 * instance, never throwing on a status (each test asserts the status it expects).
 */
import { ContainerRegistrationKeys, generateJwtToken, Modules } from "@medusajs/framework/utils"
import type { MedusaContainer } from "@medusajs/framework/types"
import { z } from "zod"
import type { SeededStore } from "../../../../demo/seed-store"
import { USDT_PAYMENT_PROVIDER_ID } from "../../../../src/providers/usdt/registration"

export interface HttpAnswer {
  status: number
  data: unknown
  /** Response headers (axios lower-cases their names). */
  headers?: Record<string, unknown>
}

/** The subset of axios the tests use. */
export interface HttpClient {
  get(url: string, config?: Record<string, unknown>): Promise<HttpAnswer>
  post(url: string, body?: unknown, config?: Record<string, unknown>): Promise<HttpAnswer>
}

const sessionSchema = z.looseObject({
  id: z.string(),
  provider_id: z.string(),
  status: z.string(),
  data: z.record(z.string(), z.unknown()),
})
const collectionSchema = z.looseObject({ id: z.string(), payment_sessions: z.array(sessionSchema).optional() })
export type StoreSession = z.infer<typeof sessionSchema>

export interface UsdtCheckout {
  cartId: string
  paymentCollectionId: string
  session: StoreSession
  checkoutUrl: string
}

export function storefront(api: HttpClient, store: SeededStore) {
  const config = { headers: { "x-publishable-api-key": store.publishableKey }, validateStatus: () => true }
  const expectStatus = (answer: HttpAnswer, status: number, what: string) => {
    if (answer.status !== status) throw new Error(`${what}: expected ${status}, got ${answer.status} ${JSON.stringify(answer.data)}`)
    return answer.data
  }

  return {
    config,
    /** A cart with one T-shirt, an address and a shipping method, in the given region. */
    async cartReadyForPayment(regionId: string = store.regionId): Promise<string> {
      const created = await api.post(
        "/store/carts",
        {
          region_id: regionId,
          sales_channel_id: store.salesChannelId,
          email: "shopper@example.com",
          items: [{ variant_id: store.variantId, quantity: 1 }],
          shipping_address: {
            first_name: "Sam",
            last_name: "Shopper",
            address_1: "1 Main St",
            city: "New York",
            postal_code: "10001",
            country_code: regionId === store.regionId ? "us" : "de",
          },
        },
        config
      )
      const cartId = z.object({ cart: z.object({ id: z.string() }) }).parse(expectStatus(created, 200, "create cart")).cart.id
      const shipped = await api.post(`/store/carts/${cartId}/shipping-methods`, { option_id: store.shippingOptionId }, config)
      expectStatus(shipped, 200, "add shipping method")
      return cartId
    },
    async paymentCollection(cartId: string): Promise<string> {
      const answer = await api.post("/store/payment-collections", { cart_id: cartId }, config)
      return z.object({ payment_collection: collectionSchema }).parse(expectStatus(answer, 200, "payment collection")).payment_collection.id
    },
    /** POST /store/payment-collections/:id/payment-sessions, as is. */
    initiateSession(collectionId: string, providerId: string = USDT_PAYMENT_PROVIDER_ID, data?: Record<string, unknown>) {
      return api.post(`/store/payment-collections/${collectionId}/payment-sessions`, { provider_id: providerId, data }, config)
    },
    /** Cart → payment collection → USDT session: what a shopper does before going to pay. */
    async usdtCheckout(regionId?: string, data?: Record<string, unknown>): Promise<UsdtCheckout> {
      const cartId = await this.cartReadyForPayment(regionId)
      const paymentCollectionId = await this.paymentCollection(cartId)
      const answer = await this.initiateSession(paymentCollectionId, USDT_PAYMENT_PROVIDER_ID, data)
      const collection = z.object({ payment_collection: collectionSchema }).parse(expectStatus(answer, 200, "initiate USDT session"))
      const session = collection.payment_collection.payment_sessions?.find((s) => s.provider_id === USDT_PAYMENT_PROVIDER_ID)
      if (!session) throw new Error("no USDT session in the payment collection")
      const checkoutUrl = z.string().parse(session.data.checkout_url)
      return { cartId, paymentCollectionId, session, checkoutUrl }
    },
    complete(cartId: string) {
      return api.post(`/store/carts/${cartId}/complete`, {}, config)
    },
  }
}

export type Storefront = ReturnType<typeof storefront>

/** An admin user and a bearer token for the admin API. */
export async function adminClient(container: MedusaContainer, api: HttpClient) {
  const userModule = container.resolve(Modules.USER)
  const authModule = container.resolve(Modules.AUTH)
  const email = `admin-${Date.now()}@example.com`
  const user = await userModule.createUsers({ email, first_name: "Ada", last_name: "Admin" })
  const identity = await authModule.createAuthIdentities({
    provider_identities: [{ provider: "emailpass", entity_id: email }],
    app_metadata: { user_id: user.id },
  })
  const { http } = container.resolve(ContainerRegistrationKeys.CONFIG_MODULE).projectConfig
  const token = generateJwtToken(
    { actor_id: user.id, actor_type: "user", auth_identity_id: identity.id, app_metadata: { user_id: user.id } },
    { secret: http.jwtSecret, expiresIn: "1d" }
  )
  const config = { headers: { authorization: `Bearer ${token}` }, validateStatus: () => true }
  return {
    config,
    order(orderId: string) {
      const fields = [
        "id",
        "status",
        "total",
        "*payment_collections",
        "*payment_collections.payments",
        "*payment_collections.payments.captures",
        "*payment_collections.payments.refunds",
      ].join(",")
      return api.get(`/admin/orders/${orderId}?fields=${encodeURIComponent(fields)}`, config)
    },
    refund(paymentId: string, amount: number) {
      return api.post(`/admin/payments/${paymentId}/refund`, { amount }, config)
    },
    capture(paymentId: string) {
      return api.post(`/admin/payments/${paymentId}/capture`, {}, config)
    },
  }
}

export type AdminClient = Awaited<ReturnType<typeof adminClient>>
