/**
 * Shoppers of a benchmark store, through its store API: carts with one item, an address and a
 * shipping method, a payment collection and a payment session of the chosen provider.
 */
import { randomUUID } from "node:crypto"
import { z } from "zod"
import { USDT_PAYMENT_PROVIDER_ID } from "../../src/providers/usdt/registration"
import { mapWithConcurrency } from "../../src/reconcile/medusa-settle"
import type { BenchSeed } from "./database"

export const STRIPE_PROVIDER_ID = "pp_stripe_stripe"
export const SYSTEM_PROVIDER_ID = "pp_system_default"

const sessionSchema = z.looseObject({ id: z.string(), provider_id: z.string(), data: z.record(z.string(), z.unknown()) })
const collectionAnswer = z.object({ payment_collection: z.looseObject({ id: z.string(), payment_sessions: z.array(sessionSchema).optional() }) })

export interface PreparedCart {
  cartId: string
  collectionId: string
  sessionId: string
  data: Record<string, unknown>
}

/** Carts made so far in this process: cart k buys the catalogue's variant k mod its size. */
let cartsMade = 0

export function shopper(url: string, seed: BenchSeed) {
  const headers = { "content-type": "application/json", "x-publishable-api-key": seed.publishableKey }
  async function post(path: string, body: unknown): Promise<unknown> {
    const answer = await fetch(`${url}${path}`, { method: "POST", headers, body: JSON.stringify(body) })
    const text = await answer.text()
    if (answer.status !== 200) throw new Error(`POST ${path} → ${answer.status}: ${text.slice(0, 300)}`)
    return JSON.parse(text)
  }
  return {
    headers,
    async cartReadyForPayment(): Promise<{ cartId: string; collectionId: string }> {
      const created = await post("/store/carts", {
        region_id: seed.regionId,
        sales_channel_id: seed.salesChannelId,
        email: `shopper-${randomUUID()}@example.com`,
        items: [{ variant_id: seed.variantIds[cartsMade++ % seed.variantIds.length], quantity: 1 }],
        shipping_address: { first_name: "Bea", last_name: "Bench", address_1: "1 Main St", city: "New York", postal_code: "10001", country_code: "us" },
      })
      const cartId = z.object({ cart: z.object({ id: z.string() }) }).parse(created).cart.id
      await post(`/store/carts/${cartId}/shipping-methods`, { option_id: seed.shippingOptionId })
      const collection = collectionAnswer.parse(await post("/store/payment-collections", { cart_id: cartId }))
      return { cartId, collectionId: collection.payment_collection.id }
    },
    /** POST /store/payment-collections/:id/payment-sessions; resolves with the provider's session. */
    async openSession(collectionId: string, providerId: string): Promise<{ sessionId: string; data: Record<string, unknown> }> {
      const answer = collectionAnswer.parse(await post(`/store/payment-collections/${collectionId}/payment-sessions`, { provider_id: providerId }))
      const session = answer.payment_collection.payment_sessions?.find((s) => s.provider_id === providerId)
      if (!session) throw new Error(`no ${providerId} session in the payment collection`)
      return { sessionId: session.id, data: session.data }
    },
    /** `count` carts ready for payment, each with a session of `providerId` unless `withSession` is false. */
    async prepare(count: number, providerId: string = USDT_PAYMENT_PROVIDER_ID, concurrency = 6, withSession = true): Promise<PreparedCart[]> {
      return mapWithConcurrency(Array.from({ length: count }, (_, i) => i), concurrency, async () => {
        const { cartId, collectionId } = await this.cartReadyForPayment()
        if (!withSession) return { cartId, collectionId, sessionId: "", data: {} }
        const session = await this.openSession(collectionId, providerId)
        return { cartId, collectionId, ...session }
      })
    },
  }
}

export type Shopper = ReturnType<typeof shopper>

/** Pays a USDT session's checkout at the sandbox (its control API), as a shopper's wallet would. */
export async function payAtSandbox(sandboxUrl: string, checkoutUrl: unknown): Promise<void> {
  const token = new URL(z.string().parse(checkoutUrl)).searchParams.get("cs")
  if (!token) throw new Error("no cs token in the checkout URL")
  const answer = await fetch(`${sandboxUrl}/__sandbox/checkouts/${encodeURIComponent(token)}/pay`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" })
  if (answer.status >= 300) throw new Error(`sandbox pay → ${answer.status}: ${await answer.text()}`)
}

/** Sets the sandbox's faults (e.g. every webhook dropped). */
export async function sandboxFaults(sandboxUrl: string, faults: Record<string, number>): Promise<void> {
  const answer = await fetch(`${sandboxUrl}/__sandbox/faults`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(faults) })
  if (answer.status >= 300) throw new Error(`sandbox faults → ${answer.status}: ${await answer.text()}`)
}

/** The sandbox's payment record of a session (its id is what the gateway's webhook carries). */
export async function sandboxPayments(sandboxUrl: string): Promise<{ id: number; note: string | null; amount: string; status: string }[]> {
  const answer = await fetch(`${sandboxUrl}/__sandbox/payments`)
  const schema = z.object({ data: z.array(z.looseObject({ id: z.number(), note: z.string().nullable(), amount: z.string(), status: z.string() })) })
  return schema.parse(await answer.json()).data
}
