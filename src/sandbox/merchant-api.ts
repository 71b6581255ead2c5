/**
 * The gateway API under /api/v1/merchant/, as one pipeline in the order a real gateway meets a
 * request: route → latency fault → authentication (401) → rate limit (429) → injected API
 * faults → JSON body and its merchant fields (400/401) → Idempotency-Key replay → the
 * endpoint. Every request is logged (never the key) for tests that count calls.
 */
import { STATUS_CODES } from "node:http"
import { authenticate, bodyClaims, claimMismatch } from "./auth"
import { createCheckoutHandler } from "./checkout"
import type { SandboxContext } from "./context"
import { API_ERROR_STATUSES } from "./faults"
import { type Answer, header, type Incoming, methodNotAllowed, parseJsonBody, problem } from "./http"
import { getBalance, getPayment, listPayments } from "./payments"
import { retryAfterSeconds } from "./rate-limit"
import { refundPayment } from "./refund"
import type { RequestLogEntry } from "./request-log"
import type { MerchantState } from "./store"

export const API_PREFIX = "/api/v1/merchant"

interface ApiRoute {
  method: "GET" | "POST"
  /** Honours the Idempotency-Key header. */
  idempotent?: boolean
  handle(merchant: MerchantState, incoming: Incoming, body: unknown): Answer
}

function tooManyRequests(seconds: number, why: string): Answer {
  const answer = problem(429, `Too many requests: ${why}; retry after ${seconds} s.`, { retry_after_seconds: seconds })
  return { ...answer, headers: { ...answer.headers, "retry-after": String(seconds) } }
}

export function createMerchantApi(context: SandboxContext): (incoming: Incoming) => Promise<Answer> {
  const { faults, log } = context
  const createCheckout = createCheckoutHandler(context)

  function routeFor(path: string): ApiRoute | null {
    const rest = path.slice(API_PREFIX.length)
    if (rest === "/checkout-session") return { method: "POST", idempotent: true, handle: (merchant, _in, body) => createCheckout(merchant, body) }
    if (rest === "/payments") return { method: "GET", handle: (merchant, incoming) => listPayments(context, merchant, incoming.query) }
    if (rest === "/balance") return { method: "GET", handle: (merchant) => getBalance(context, merchant) }
    const one = /^\/payments\/(\d{1,15})$/.exec(rest)
    if (one) return { method: "GET", handle: (merchant) => getPayment(context, merchant, one[1]) }
    const refund = /^\/payments\/(\d{1,15})\/refund$/.exec(rest)
    if (refund) return { method: "POST", idempotent: true, handle: (merchant, _in, body) => refundPayment(context, merchant, refund[1], body) }
    return null
  }

  /** The API faults that apply to a call of this method (none when `api_fault_methods` leaves it out). */
  function faultsFor(method: string) {
    const current = faults.current()
    return !current.api_fault_methods || current.api_fault_methods.some((m) => m === method) ? current : {}
  }

  function injectedFault(method: string): Answer | null {
    const current = faultsFor(method)
    if (faults.roll(current.api_429_rate)) return tooManyRequests(1, "injected fault (api_429_rate)")
    if (faults.roll(current.api_error_rate)) {
      const status = faults.pick(API_ERROR_STATUSES)
      return problem(status, `${STATUS_CODES[status]}: injected fault (api_error_rate); the call was not carried out.`)
    }
    return null
  }

  async function process(incoming: Incoming, entry: RequestLogEntry): Promise<Answer> {
    const route = routeFor(incoming.path)
    if (!route) return problem(404, `No API endpoint ${incoming.method} ${incoming.path}.`)
    if (route.method !== incoming.method) return methodNotAllowed([route.method])
    const latency = faultsFor(incoming.method).latency_ms
    if (latency) await context.timers.sleep(latency)

    const auth = authenticate(incoming.headers, incoming.query, context.store.merchants.values())
    if (!auth.ok) return problem(401, auth.message)
    const { merchant } = auth
    entry.merchant_id = merchant.id

    const rate = context.rateLimiter.hit(merchant.id)
    if (!rate.ok) {
      entry.over_budget = true
      const why = `over ${rate.limit} requests per ${rate.windowMs / 1000} s for merchant ${merchant.id}`
      return tooManyRequests(retryAfterSeconds(rate.retryAfterMs), why)
    }
    const fault = injectedFault(incoming.method)
    if (fault) return fault

    let body: unknown
    if (route.method === "POST") {
      const json = parseJsonBody(incoming.body)
      if (!json.ok) return json.answer
      const mismatch = claimMismatch(bodyClaims(json.value), merchant)
      if (mismatch) return problem(401, mismatch)
      body = json.value
    }
    const key = route.idempotent ? entry.idempotency_key : null
    const replay = key ? context.idempotency.replay(merchant.id, key) : undefined
    if (replay) return replay
    const answer = route.handle(merchant, incoming, body)
    if (key) context.idempotency.remember(merchant.id, key, answer)
    return answer
  }

  return async function merchantApi(incoming: Incoming): Promise<Answer> {
    const entry: RequestLogEntry = {
      at: new Date(context.now()).toISOString(),
      method: incoming.method,
      path: incoming.path,
      merchant_id: null,
      status: 0,
      idempotency_key: header(incoming.headers, "idempotency-key") ?? null,
    }
    let answer: Answer
    try {
      answer = await process(incoming, entry)
    } catch (error) {
      log.warn(`${incoming.method} ${incoming.path} failed inside the sandbox: ${error instanceof Error ? error.message : String(error)}`)
      answer = problem(500, "The sandbox failed to handle this request (a sandbox bug; see its console).")
    }
    context.requests.add({ ...entry, status: answer.status })
    log.info(`${incoming.method} ${incoming.path} → ${answer.status}${entry.merchant_id === null ? "" : ` (merchant ${entry.merchant_id})`}`)
    return answer
  }
}
