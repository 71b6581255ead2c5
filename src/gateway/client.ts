/**
 * A typed client for every endpoint of the gateway's page. `createGatewayClient(config)`
 * validates the configuration once and returns small capabilities; every answer is parsed
 * against the contract's schemas, and amounts go in and come out as integer cents.
 */
import { createHash } from "node:crypto"
import type { z } from "zod"
import { type GatewayClientConfig, resolveConfig } from "./config"
import {
  balanceSchema,
  type CheckoutRequest,
  checkoutRequestSchema,
  checkoutSessionSchema,
  gatewayId,
  isHttpUrl,
  issuePath,
  type KnownPaymentStatus,
  listPaymentsQuerySchema,
  parseIsoBound,
  type Payment,
  paymentSchema,
  type PaymentsPage,
  paymentsPageSchema,
  type RefundRequest,
  refundRequestSchema,
  refundSchema,
} from "./contract"
import { GatewayInputError } from "./errors"
import { assertCents, type Cents, centsToWireAmount } from "./money"
import { type RequestPriority, sharedPacer } from "./pacer"
import { isoInstant, readPages } from "./paging"
import { createTransport, type TransportStats } from "./transport"

const API = "/api/v1/merchant"

export interface CreateCheckoutInput {
  amountCents: Cents
  /** The integration's own unique reference; correlation is by this value. */
  note: string
  notifyUrl: string
  successUrl?: string
  /** Defaults to one derived from `note` and the amount (see checkoutIdempotencyKey). */
  idempotencyKey?: string
}

export interface ListPaymentsFilter {
  status?: KnownPaymentStatus
  /** ISO 8601 date or date-time (UTC), or a Date. */
  from?: string | Date
  /** Inclusive. */
  to?: string | Date
  /** At most 100. */
  perPage?: number
  page?: number
}

/**
 * Per-call options: the call's place in the merchant's budget queue (see pacer.ts). Defaults:
 * refunds and `getPayment` "confirm", checkouts and the balance "checkout", listings "reconcile".
 */
export interface CallOptions {
  priority?: RequestPriority
  /** Longest wait for a budget slot before the pacer's PacerQueueTimeoutError. */
  maxQueueMs?: number
}

export interface RefundInput {
  amountCents: Cents
  reason?: string
  /** Sent as the Idempotency-Key header, so a replay of the same refund is answered, not repeated. */
  idempotencyKey?: string
}

/** The refund key for one refund of the integration's own (e.g. Medusa's refund id, or a ledger row id). */
export function refundIdempotencyKey(reference: string): string {
  const digest = createHash("sha256").update(`refund\n${reference}`).digest("hex").slice(0, 32)
  return `usdt-refund-${digest}`
}

/** Same reference and amount → same key (a retry never opens a second checkout); a changed amount → a new key. */
export function checkoutIdempotencyKey(reference: string, amountCents: Cents): string {
  const digest = createHash("sha256").update(`${reference}\n${amountCents}`).digest("hex").slice(0, 32)
  return `usdt-${digest}`
}

function dateOf(value: string | Date | undefined, field: string): Date | undefined {
  if (value === undefined) return undefined
  const ms = value instanceof Date ? value.getTime() : (parseIsoBound(value)?.ms ?? Number.NaN)
  if (Number.isNaN(ms)) {
    throw new GatewayInputError(`${field} ${JSON.stringify(String(value))} is not an ISO 8601 date or date-time (UTC)`, field)
  }
  return value instanceof Date ? value : new Date(ms)
}

function isoOf(value: string | Date | undefined, field: string): string | undefined {
  const date = dateOf(value, field)
  return value instanceof Date && date ? isoInstant(date) : (value as string | undefined)
}

function paymentId(id: number | string): string {
  const parsed = gatewayId.safeParse(id)
  if (!parsed.success) throw new GatewayInputError(`payment id ${JSON.stringify(String(id))} must be a positive whole number`, "id")
  return String(parsed.data)
}

/** Checks a request against the contract before it is sent; the first problem names its field. */
function checked<T>(schema: z.ZodType, request: T): T {
  const parsed = schema.safeParse(request)
  if (parsed.success) return request
  const issue = parsed.error.issues[0]
  const field = issuePath(issue.path) || "request"
  throw new GatewayInputError(`${field}: ${issue.message}`, field)
}

function httpUrl(value: string, field: string): string {
  if (isHttpUrl(value)) return value
  throw new GatewayInputError(`${field} must be an absolute http(s) URL, got ${JSON.stringify(value)}`, field)
}

export function createGatewayClient(config: GatewayClientConfig) {
  const resolved = resolveConfig(config)
  const pacer =
    config.pacer ??
    (config.rateLimit === false
      ? undefined
      : sharedPacer(`${resolved.origin}#${resolved.merchantId}`, config.rateLimit || {}))
  const transport = createTransport(resolved, {
    pacer,
    dispatcher: config.dispatcher,
    now: config.now ?? Date.now,
    sleep: config.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
    random: config.random ?? Math.random,
  })

  async function listPayments(filter: ListPaymentsFilter = {}, call: CallOptions = {}): Promise<PaymentsPage> {
    const perPage = filter.perPage ?? 100
    if (!Number.isInteger(perPage) || perPage < 1 || perPage > 100) {
      throw new GatewayInputError(`perPage must be a whole number from 1 to 100, got ${perPage}`, "perPage")
    }
    const query = {
      merchant: resolved.merchantId,
      status: filter.status,
      from: isoOf(filter.from, "from"),
      to: isoOf(filter.to, "to"),
      per_page: String(perPage),
      page: String(filter.page ?? 1),
    }
    checked(listPaymentsQuerySchema, query)
    return transport.send({
      method: "GET",
      path: `${API}/payments`,
      query,
      schema: paymentsPageSchema,
      priority: call.priority ?? "reconcile",
      maxQueueMs: call.maxQueueMs,
    })
  }

  /**
   * Every page of a filter, in order, at the largest page size unless told otherwise; a capped
   * `per_page` or an ignored `page` is detected and read around (see paging.ts).
   */
  function paymentPages(filter: Omit<ListPaymentsFilter, "page"> = {}, call: CallOptions = {}): AsyncGenerator<PaymentsPage> {
    const window = { from: dateOf(filter.from, "from"), to: dateOf(filter.to, "to") }
    const perPage = filter.perPage ?? 100
    return readPages((request) => listPayments({ ...filter, ...request }, call), window, perPage)
  }

  return {
    merchantId: resolved.merchantId,
    baseUrl: resolved.origin,
    /** Counts of requests made, 429s met and retries, since the client was made. */
    stats: transport.stats as Readonly<TransportStats>,

    /** POST /checkout-session. Always carries an Idempotency-Key, so a retry is safe. */
    async createCheckoutSession(input: CreateCheckoutInput, call: CallOptions = {}) {
      const amountCents = assertCents(input.amountCents, "amountCents")
      if (amountCents === 0) throw new GatewayInputError("amountCents must be more than zero", "amountCents")
      if (!input.note?.trim()) throw new GatewayInputError("note (the order reference) is required", "note")
      const body: CheckoutRequest = {
        amount: centsToWireAmount(amountCents),
        note: input.note,
        notify_url: httpUrl(input.notifyUrl, "notifyUrl"),
        ...(input.successUrl ? { success_url: httpUrl(input.successUrl, "successUrl") } : {}),
      }
      return transport.send({
        method: "POST",
        path: `${API}/checkout-session`,
        body: checked(checkoutRequestSchema, body),
        idempotencyKey: input.idempotencyKey ?? checkoutIdempotencyKey(input.note, amountCents),
        schema: checkoutSessionSchema,
        priority: call.priority ?? "checkout",
      })
    },

    /** GET /payments/{id}; GatewayNotFoundError when it is not this merchant's. */
    async getPayment(id: number | string, call: CallOptions = {}): Promise<Payment> {
      return transport.send({ method: "GET", path: `${API}/payments/${paymentId(id)}`, schema: paymentSchema, priority: call.priority ?? "confirm", maxQueueMs: call.maxQueueMs })
    },

    listPayments,
    paymentPages,

    /** Every payment matching the filter, across pages. */
    async *iteratePayments(filter: Omit<ListPaymentsFilter, "page"> = {}, call: CallOptions = {}): AsyncGenerator<Payment> {
      for await (const page of paymentPages(filter, call)) yield* page.data
    },

    /** GET /balance. */
    getBalance(call: CallOptions = {}) {
      return transport.send({
        method: "GET",
        path: `${API}/balance`,
        query: { merchant: resolved.merchantId },
        schema: balanceSchema,
        priority: call.priority ?? "checkout",
      })
    },

    /**
     * POST /payments/{id}/refund. It carries the caller's Idempotency-Key when given, yet a 5xx
     * or a timeout is still never retried here (the page promises no idempotency for refunds,
     * so the caller decides after asking the gateway); only a 429 is waited out.
     */
    async refundPayment(id: number | string, input: RefundInput, call: CallOptions = {}) {
      const amountCents = assertCents(input.amountCents, "amountCents")
      if (amountCents === 0) throw new GatewayInputError("a refund must be more than zero", "amountCents")
      return transport.send({
        method: "POST",
        path: `${API}/payments/${paymentId(id)}/refund`,
        body: checked(refundRequestSchema, { amount: centsToWireAmount(amountCents), reason: input.reason ?? "" } satisfies RefundRequest),
        idempotencyKey: input.idempotencyKey,
        repeatable: false,
        schema: refundSchema,
        priority: call.priority ?? "confirm",
      })
    },

    close: () => transport.close(),
  }
}

export type GatewayClient = ReturnType<typeof createGatewayClient>
