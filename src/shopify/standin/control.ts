/**
 * The stand-in's control API (relied on by other checks: keep the shapes exactly):
 *   POST /__standin/payments  { amount, currency, id?, shop? } → { id, gid, status_code, redirect_url }
 *   GET  /__standin/payments/:id → { id, state, reason?, mutations }
 *   POST /__standin/refunds   { payment_id, amount, id? } → { id, status_code }
 *   GET  /__standin/refunds/:id → { id, state }
 *   POST /__standin/webhooks  { topic, payload, valid_hmac, shop? } → { status_code }
 *   POST /__standin/faults    { graphql_error_rate, graphql_not_received_rate, graphql_latency_ms }
 *   POST /__standin/reset
 *   POST /__standin/install   { shop? } → { shop, status_code, installed }   (the OAuth dance)
 *   GET  /__standin/shops     → installed shops (no tokens)
 */
import { randomUUID } from "node:crypto"
import { z } from "zod"
import { json, problem, type Reply, type Router } from "../http/router"
import type { createOAuth } from "./oauth"
import type { StandinOptions } from "./options"
import type { Sender } from "./sender"
import type { StandinPayment, StandinRefund, StandinState } from "./state"

const shop = z.string().regex(/^[a-z0-9][a-z0-9-]*\.myshopify\.com$/).optional()
const decimal = z.string().regex(/^\d+(\.\d+)?$/, { error: "must be a decimal string such as \"12.34\"" })
const paymentBody = z.object({ amount: decimal, currency: z.string().regex(/^[A-Z]{3}$/).default("USD"), id: z.string().min(1).max(255).optional(), shop })
const refundBody = z.object({ payment_id: z.string().min(1), amount: decimal, id: z.string().min(1).max(255).optional() })
const webhookBody = z.object({ topic: z.string().min(1), payload: z.unknown(), valid_hmac: z.boolean().default(true), shop })
const rate = z.number().min(0).max(1)
const faultsBody = z.object({ graphql_error_rate: rate.optional(), graphql_not_received_rate: rate.optional(), graphql_latency_ms: z.number().int().min(0).max(120_000).optional() })
const installBody = z.object({ shop })

function parse<S extends z.ZodType>(schema: S, raw: Buffer): { ok: true; data: z.infer<S> } | { ok: false; reply: Reply } {
  let value: unknown
  try {
    value = JSON.parse(raw.toString("utf8") || "{}")
  } catch {
    return { ok: false, reply: problem(400, "The body must be JSON.") }
  }
  const parsed = schema.safeParse(value)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    return { ok: false, reply: problem(400, `${issue.path.join(".") || "body"}: ${issue.message}`) }
  }
  return { ok: true, data: parsed.data }
}

/** The session sent before under this id (a re-send repeats it), or a new one. */
function once<T>(map: Map<string, T>, id: string, create: () => T): T {
  let value = map.get(id)
  if (value === undefined) {
    value = create()
    map.set(id, value)
  }
  return value
}

const paymentView = (p: StandinPayment) => ({ id: p.id, gid: p.gid, shop: p.shop, state: p.state, ...(p.reason && { reason: p.reason }), status_code: p.statusCode, redirect_url: p.redirectUrl, mutations: p.mutations })
const refundView = (r: StandinRefund) => ({ id: r.id, gid: r.gid, payment_id: r.paymentId, state: r.state, ...(r.reason && { reason: r.reason }), status_code: r.statusCode, mutations: r.mutations })

export function registerControl(router: Router, deps: { options: StandinOptions; state: StandinState; sender: Sender; oauth: ReturnType<typeof createOAuth> }): void {
  const { options, state, sender, oauth } = deps
  const defaultShop = () => (state.shops.has(options.shop) ? options.shop : ([...state.shops.keys()][0] ?? options.shop))

  router.add("POST", "/__standin/payments", async (incoming) => {
    const body = parse(paymentBody, incoming.rawBody)
    if (!body.ok) return body.reply
    const id = body.data.id ?? randomUUID()
    const payment = once(state.payments, id, () => sender.newPayment({ id, shop: body.data.shop ?? defaultShop(), amount: body.data.amount, currency: body.data.currency }))
    const result = await sender.sendPayment(payment)
    const redirect = result.json && typeof result.json === "object" && "redirect_url" in result.json ? result.json.redirect_url : null
    return json(200, { id, gid: payment.gid, status_code: result.statusCode, redirect_url: typeof redirect === "string" ? redirect : null, ...(result.statusCode >= 300 && { answer: result.json }) })
  })
  const viewRoute = <T>(path: string, map: Map<string, T>, what: string, view: (item: T) => unknown) =>
    router.add("GET", path, async (incoming) => {
      const item = map.get(incoming.params.id)
      return item ? json(200, view(item)) : problem(404, `No ${what} ${incoming.params.id}.`)
    })
  viewRoute("/__standin/payments/:id", state.payments, "payment session", paymentView)

  router.add("POST", "/__standin/refunds", async (incoming) => {
    const body = parse(refundBody, incoming.rawBody)
    if (!body.ok) return body.reply
    const payment = state.payments.get(body.data.payment_id)
    if (!payment) return problem(404, `No payment session ${body.data.payment_id}.`)
    const id = body.data.id ?? randomUUID()
    const refund = once(state.refunds, id, () => sender.newRefund({ id, payment, amount: body.data.amount }))
    const result = await sender.sendRefund(refund)
    return json(200, { id, status_code: result.statusCode })
  })
  viewRoute("/__standin/refunds/:id", state.refunds, "refund session", refundView)

  router.add("POST", "/__standin/webhooks", async (incoming) => {
    const body = parse(webhookBody, incoming.rawBody)
    if (!body.ok) return body.reply
    const result = await sender.sendWebhook({ topic: body.data.topic, payload: body.data.payload ?? {}, validHmac: body.data.valid_hmac, shop: body.data.shop ?? defaultShop() })
    return json(200, { status_code: result.statusCode })
  })

  router.add("GET", "/__standin/faults", async () => json(200, state.faults))
  router.add("POST", "/__standin/faults", async (incoming) => {
    const body = parse(faultsBody, incoming.rawBody)
    if (!body.ok) return body.reply
    state.faults = { ...state.faults, ...body.data }
    return json(200, state.faults)
  })
  router.add("POST", "/__standin/reset", async () => {
    state.reset()
    return json(200, { reset: true })
  })

  router.add("POST", "/__standin/install", async (incoming) => {
    const body = parse(installBody, incoming.rawBody)
    if (!body.ok) return body.reply
    return json(200, await oauth.install(body.data.shop ?? options.shop))
  })
  router.add("GET", "/__standin/shops", async () =>
    json(200, { data: [...state.shops.values()].map((s) => ({ shop: s.shop, scope: s.scope, expiring: s.refreshToken !== null, configuration: s.configuration ?? null })) })
  )
}
