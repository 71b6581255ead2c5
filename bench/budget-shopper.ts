/**
 * A shopper of the budget benchmark, over the store API as a storefront calls it: a cart made
 * ready beforehand (not timed), then the USDT session (the checkout answer, timed; some shoppers
 * re-create it once), paying on the sandbox's hosted checkout after a while, and polling
 * `POST /store/carts/:id/complete` until it answers with the order. And the flood: one cart
 * creating sessions in a loop.
 */
import { z } from "zod"
import type { BenchSeed } from "./budget-store"

const PROVIDER_ID = "pp_usdt_usdt"
const sessionsAnswer = z.object({
  payment_collection: z.object({ payment_sessions: z.array(z.looseObject({ provider_id: z.string(), data: z.record(z.string(), z.unknown()) })) }),
})

export interface PreparedCart {
  cartId: string
  collectionId: string
}

export interface ShopperPlan {
  /** Re-creates its session once before paying. */
  recreate: boolean
  payAfterMs: number
  pollEveryMs: number
  /** Stops polling after this instant (ms since epoch). */
  giveUpAt: number
}

export interface ShopperResult {
  /** Each session creation's answer time, ms. */
  checkoutMs: number[]
  paidAt?: number
  orderAt?: number
  polls: number
  failure?: string
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

export function storeApi(storeUrl: string, seed: BenchSeed) {
  const headers = { "content-type": "application/json", "x-publishable-api-key": seed.publishableKey }
  async function post(path: string, body: unknown): Promise<{ status: number; json: unknown }> {
    const response = await fetch(`${storeUrl}${path}`, { method: "POST", headers, body: JSON.stringify(body) })
    const text = await response.text()
    let json: unknown = null
    try {
      json = JSON.parse(text)
    } catch {
      json = text
    }
    return { status: response.status, json }
  }
  function expect200(answer: { status: number; json: unknown }, what: string): unknown {
    if (answer.status !== 200) throw new Error(`${what} → ${answer.status} ${JSON.stringify(answer.json).slice(0, 300)}`)
    return answer.json
  }

  return {
    async prepareCart(): Promise<PreparedCart> {
      const created = await post("/store/carts", {
        region_id: seed.regionId,
        sales_channel_id: seed.salesChannelId,
        email: `shopper-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}@example.com`,
        items: [{ variant_id: seed.variantId, quantity: 1 }],
        shipping_address: { first_name: "Sam", last_name: "Shopper", address_1: "1 Main St", city: "New York", postal_code: "10001", country_code: "us" },
      })
      const cartId = z.object({ cart: z.object({ id: z.string() }) }).parse(expect200(created, "create cart")).cart.id
      expect200(await post(`/store/carts/${cartId}/shipping-methods`, { option_id: seed.shippingOptionId }), "shipping method")
      const collection = await post("/store/payment-collections", { cart_id: cartId })
      const collectionId = z.object({ payment_collection: z.object({ id: z.string() }) }).parse(expect200(collection, "payment collection")).payment_collection.id
      return { cartId, collectionId }
    },
    /** POST …/payment-sessions: the checkout answer; its time and the checkout URL, or the status. */
    async openSession(collectionId: string): Promise<{ ms: number; status: number; checkoutUrl?: string }> {
      const started = performance.now()
      const answer = await post(`/store/payment-collections/${collectionId}/payment-sessions`, { provider_id: PROVIDER_ID })
      const ms = performance.now() - started
      if (answer.status !== 200) return { ms, status: answer.status }
      const session = sessionsAnswer.parse(answer.json).payment_collection.payment_sessions.find((s) => s.provider_id === PROVIDER_ID)
      const checkoutUrl = typeof session?.data.checkout_url === "string" ? session.data.checkout_url : undefined
      return { ms, status: answer.status, checkoutUrl }
    },
    async complete(cartId: string): Promise<boolean> {
      const answer = await post(`/store/carts/${cartId}/complete`, {})
      return answer.status === 200 && z.object({ type: z.literal("order") }).safeParse(answer.json).success
    },
  }
}

export type StoreApi = ReturnType<typeof storeApi>

async function pay(sandboxUrl: string, checkoutUrl: string): Promise<void> {
  const cs = new URL(checkoutUrl).searchParams.get("cs") ?? ""
  const response = await fetch(`${sandboxUrl}/__sandbox/checkouts/${encodeURIComponent(cs)}/pay`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: "{}",
  })
  if (response.status !== 200) throw new Error(`pay → ${response.status} ${await response.text()}`)
}

export async function runShopper(api: StoreApi, sandboxUrl: string, cart: PreparedCart, plan: ShopperPlan): Promise<ShopperResult> {
  const result: ShopperResult = { checkoutMs: [], polls: 0 }
  try {
    let opened = await api.openSession(cart.collectionId)
    result.checkoutMs.push(opened.ms)
    if (plan.recreate) {
      await sleep(plan.payAfterMs / 2)
      opened = await api.openSession(cart.collectionId)
      result.checkoutMs.push(opened.ms)
    }
    if (!opened.checkoutUrl) throw new Error(`session creation answered ${opened.status}`)
    await sleep(plan.recreate ? plan.payAfterMs / 2 : plan.payAfterMs)
    await pay(sandboxUrl, opened.checkoutUrl)
    result.paidAt = Date.now()
    while (Date.now() < plan.giveUpAt) {
      result.polls++
      const pollStarted = Date.now()
      if (await api.complete(cart.cartId)) {
        result.orderAt = Date.now()
        return result
      }
      await sleep(Math.max(0, plan.pollEveryMs - (Date.now() - pollStarted)))
    }
    result.failure = "no order before giving up"
  } catch (error) {
    result.failure = error instanceof Error ? error.message : String(error)
  }
  return result
}

/** `loops` concurrent loops creating sessions on one cart until `until`; counts answers by status. */
export async function flood(api: StoreApi, cart: PreparedCart, loops: number, until: number): Promise<Record<number, number>> {
  const statuses: Record<number, number> = {}
  await Promise.all(
    Array.from({ length: loops }, async () => {
      while (Date.now() < until) {
        const { status } = await api.openSession(cart.collectionId)
        statuses[status] = (statuses[status] ?? 0) + 1
      }
    })
  )
  return statuses
}
