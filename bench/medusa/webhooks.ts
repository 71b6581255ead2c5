/**
 * Paid carts and the webhooks that announce them, for both paths of one benchmark store:
 * USDT (paid at the sandbox with its own deliveries dropped; the gateway's exact body re-signed
 * now, as the gateway signs) and Stripe (the stand-in marks the intent paid and signs
 * `payment_intent.succeeded` with Stripe's scheme).
 */
import { z } from "zod"
import { signWebhook } from "../../src/gateway"
import { USDT_PAYMENT_PROVIDER_ID } from "../../src/providers/usdt/registration"
import type { LoadJob } from "../load/job"
import { mapWithConcurrency } from "../../src/reconcile/medusa-settle"
import { clonePaidCarts } from "./clone-carts"
import { payAtSandbox, type PreparedCart, sandboxFaults, STRIPE_PROVIDER_ID, shopper } from "./shopper"
import { BENCH_MERCHANT, type BenchStore } from "./store"

export type Request = LoadJob["requests"][number]

export interface PaidCarts {
  cartIds: string[]
  /** One webhook per cart, in the same order. */
  webhooks: Request[]
}

const deliveriesSchema = z.object({ data: z.array(z.looseObject({ payment_record_id: z.number(), body: z.string() })) })

/**
 * `count` carts with USDT sessions, paid at the sandbox; every gateway delivery dropped. The
 * carts are one store-API cart copied in SQL (clone-carts.ts) unless BENCH_CARTS=api.
 */
export async function paidUsdtCarts(store: BenchStore, count: number): Promise<PaidCarts> {
  await sandboxFaults(store.sandbox.url, { webhook_drop_rate: 1 })
  let carts: { cartId: string; sessionId: string }[]
  if (process.env.BENCH_CARTS === "api") {
    carts = await shopper(store.url, store.seed).prepare(count, USDT_PAYMENT_PROVIDER_ID)
    await mapWithConcurrency(carts, 8, (cart) => payAtSandbox(store.sandbox.url, (cart as PreparedCart).data.checkout_url))
  } else {
    carts = await clonePaidCarts(store, count)
  }
  const deliveries = deliveriesSchema.parse(await (await fetch(`${store.sandbox.url}/__sandbox/deliveries`)).json()).data
  const bodyByNote = new Map<string, string>()
  for (const delivery of deliveries) {
    const note = z.looseObject({ note: z.string().nullable() }).parse(JSON.parse(delivery.body)).note
    if (note) bodyByNote.set(note, delivery.body)
  }
  const webhooks = carts.map((cart): Request => {
    const body = bodyByNote.get(cart.sessionId)
    if (!body) throw new Error(`the sandbox made no delivery for session ${cart.sessionId}`)
    const signed = signWebhook({ body, secrets: BENCH_MERCHANT.webhookSecret, apiKey: BENCH_MERCHANT.apiKey })
    return { method: "POST", path: "/hooks/usdt", headers: signed.headers, body: signed.body }
  })
  return { cartIds: carts.map((cart) => cart.cartId), webhooks }
}

/** `count` carts with Stripe sessions whose intents Stripe (the stand-in) reports paid. */
export async function paidStripeCarts(store: BenchStore, count: number): Promise<PaidCarts> {
  const carts = await shopper(store.url, store.seed).prepare(count, STRIPE_PROVIDER_ID)
  const webhooks = carts.map((cart): Request => {
    const intentId = z.string().parse(cart.data.id)
    const event = store.stripe.succeeded(intentId)
    return { method: "POST", path: "/hooks/payment/stripe_stripe", headers: event.headers, body: event.body }
  })
  return { cartIds: carts.map((cart) => cart.cartId), webhooks }
}
