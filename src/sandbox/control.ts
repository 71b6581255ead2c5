/**
 * The control API under /__sandbox/ (never under /api/): what a test or a demo does in place of
 * a customer and an operator. It needs no credentials and never shows a key or a secret.
 *
 *   POST  /__sandbox/checkouts/{cs}/pay     { amount? }   pay (amount simulates under/over-payment)
 *   POST  /__sandbox/checkouts/{cs}/expire               expire now
 *   GET   /__sandbox/payments                            every record, with cs, notify_url, refunds
 *   POST  /__sandbox/payments/bulk   { count, created_from, created_to, … }   many paid records at once
 *   GET   /__sandbox/deliveries                          webhook deliveries and their attempts
 *   GET   /__sandbox/requests                            API requests received
 *   GET   /__sandbox/faults  · POST /__sandbox/faults    read / replace the fault switches
 *   GET   /__sandbox/dialects · POST /__sandbox/dialects read / replace the dialect switches (dialects.ts)
 *   GET   /__sandbox/merchants · PATCH /__sandbox/merchants/{id} { active }
 *   POST  /__sandbox/reset
 */
import { z } from "zod"
import { type SandboxContext, resetContext } from "./context"
import { dialectsSchema } from "./dialects"
import { faultsSchema } from "./faults"
import { dollarsField } from "../gateway/contract"
import { createBulkPayments } from "./bulk-payments"
import { type Answer, type Incoming, jsonAnswer, methodNotAllowed, parseJsonBody, problem } from "./http"
import { type ActionResult, closeCheckout, payCheckout } from "./payment-actions"
import { controlPaymentView, paymentView } from "./payment-view"
import { validate } from "./validation"

export const CONTROL_PREFIX = "/__sandbox"

const payBodySchema = z.strictObject(
  { amount: dollarsField("amount").refine((cents) => cents > 0, { error: "The amount must be at least 0.01." }).optional() },
  { error: (issue) => (issue.code === "unrecognized_keys" ? `Unknown field: ${issue.keys.join(", ")}; only amount is accepted.` : "The body must be a JSON object.") }
)

const merchantBodySchema = z.strictObject(
  { active: z.boolean({ error: "The active field must be true or false." }) },
  { error: (issue) => (issue.code === "unrecognized_keys" ? `Unknown field: ${issue.keys.join(", ")}; only active is accepted.` : "The body must be a JSON object.") }
)

type Route = { method: "GET" | "POST" | "PATCH"; run: (body: unknown) => Answer }

export function createControlApi(context: SandboxContext): (incoming: Incoming) => Answer | null {
  const { store } = context

  function actionAnswer(result: ActionResult): Answer {
    return result.ok ? jsonAnswer(200, paymentView(result.payment, context.now())) : problem(result.status, result.message)
  }

  function pay(token: string, body: unknown): Answer {
    const parsed = validate(payBodySchema, body)
    if (!parsed.ok) return parsed.answer
    return actionAnswer(payCheckout(context, token, parsed.data.amount))
  }

  /** GET and POST of a set of switches replaced whole (faults, dialects). */
  function switchRoutes<T>(name: string, schema: z.ZodType<T>, switches: { current(): T; set(value: T): void }): Route[] {
    const set = (body: unknown): Answer => {
      const parsed = validate(schema, body)
      if (!parsed.ok) return parsed.answer
      switches.set(parsed.data)
      context.log.info(`${name} set: ${JSON.stringify(parsed.data)}`)
      return jsonAnswer(200, switches.current())
    }
    return [
      { method: "GET", run: () => jsonAnswer(200, switches.current()) },
      { method: "POST", run: set },
    ]
  }

  function setMerchant(id: number, body: unknown): Answer {
    const merchant = store.merchants.get(id)
    if (!merchant) return problem(404, `No merchant ${id} in this sandbox.`)
    const parsed = validate(merchantBodySchema, body)
    if (!parsed.ok) return parsed.answer
    merchant.active = parsed.data.active
    context.log.info(`merchant ${id} is now ${merchant.active ? "active" : "inactive"}`)
    return jsonAnswer(200, { id, active: merchant.active })
  }

  function reset(): Answer {
    resetContext(context)
    context.log.info("reset: payments, deliveries, request log, idempotency keys, rate windows, faults and dialects cleared")
    return jsonAnswer(200, { reset: true })
  }

  function routesFor(path: string): Route[] {
    const rest = path.slice(CONTROL_PREFIX.length)
    const checkout = /^\/checkouts\/([^/]+)\/(pay|expire)$/.exec(rest)
    if (checkout) {
      const token = decodeURIComponent(checkout[1])
      if (checkout[2] === "pay") return [{ method: "POST", run: (body) => pay(token, body) }]
      return [{ method: "POST", run: () => actionAnswer(closeCheckout(context, token, "expire")) }]
    }
    const merchant = /^\/merchants\/(\d{1,15})$/.exec(rest)
    if (merchant) return [{ method: "PATCH", run: (body) => setMerchant(Number(merchant[1]), body) }]
    switch (rest) {
      case "/payments":
        return [{ method: "GET", run: () => jsonAnswer(200, { data: store.payments().map((p) => controlPaymentView(p, context.now(), context.baseUrl)) }) }]
      case "/payments/bulk":
        return [{ method: "POST", run: (body) => createBulkPayments(context, body) }]
      case "/deliveries":
        return [{ method: "GET", run: () => jsonAnswer(200, { data: context.webhooks.list() }) }]
      case "/requests":
        return [{ method: "GET", run: () => jsonAnswer(200, context.requests.entries()) }]
      case "/faults":
        return switchRoutes("faults", faultsSchema, context.faults)
      case "/dialects":
        return switchRoutes("dialects", dialectsSchema, context.dialects)
      case "/merchants":
        return [{ method: "GET", run: () => jsonAnswer(200, { data: [...store.merchants.values()].map(({ id, active }) => ({ id, active })) }) }]
      case "/reset":
        return [{ method: "POST", run: reset }]
      default:
        return []
    }
  }

  return function controlApi(incoming: Incoming): Answer | null {
    if (incoming.path !== CONTROL_PREFIX && !incoming.path.startsWith(`${CONTROL_PREFIX}/`)) return null
    let routes: Route[]
    try {
      routes = routesFor(incoming.path)
    } catch {
      return problem(400, "The path is not valid (bad percent-encoding).")
    }
    if (routes.length === 0) return problem(404, `No control endpoint ${incoming.method} ${incoming.path}.`)
    const route = routes.find((candidate) => candidate.method === incoming.method)
    if (!route) return methodNotAllowed(routes.map((candidate) => candidate.method))
    if (route.method === "GET") return route.run(undefined)
    const json = parseJsonBody(incoming.body)
    return json.ok ? route.run(json.value) : json.answer
  }
}
