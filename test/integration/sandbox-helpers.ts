/**
 * Shared pieces of the sandbox's integration tests: a quiet sandbox with two merchants, plain
 * HTTP calls (fetch) with either header style, a controllable clock, a local webhook receiver,
 * and zod schemas for the control API's answers so that tests read them without casts.
 */
import { createServer, type IncomingHttpHeaders } from "node:http"
import type { AddressInfo } from "node:net"
import { z } from "zod"
import { errorBodySchema } from "../../src/gateway/contract"
import { type RunningSandbox, type SandboxMerchant, type SandboxOptions, startSandbox } from "../../src/sandbox"

export const MERCHANT: SandboxMerchant = { id: 1, apiKey: "sk_sandbox_test_merchant_one", webhookSecret: "whsec_sandbox_test_one" }
export const OTHER: SandboxMerchant = { id: 2, apiKey: "sk_sandbox_test_merchant_two", webhookSecret: "whsec_sandbox_test_two" }

export const API = "/api/v1/merchant"

/** A quiet sandbox with MERCHANT and OTHER, no rate limit and fast webhook retries unless told otherwise. */
export function start(options: Partial<SandboxOptions> = {}): Promise<RunningSandbox> {
  return startSandbox({
    merchants: [{ ...MERCHANT }, { ...OTHER }],
    quiet: true,
    rateLimit: false,
    webhookRetry: { maxAttempts: 3, baseDelayMs: 20, factor: 2, maxDelayMs: 200, timeoutMs: 1_000 },
    ...options,
  })
}

export function bearer(merchant: SandboxMerchant = MERCHANT): Record<string, string> {
  return { merchant: String(merchant.id), authorization: `Bearer ${merchant.apiKey}` }
}

export function xHeaders(merchant: SandboxMerchant = MERCHANT): Record<string, string> {
  return { "x-merchant-id": String(merchant.id), "x-merchant-key": merchant.apiKey }
}

export interface Reply {
  status: number
  headers: Headers
  text: string
  json: unknown
}

export interface CallOptions {
  /** Headers to send; default the MERCHANT's bearer headers. `{}` sends none. */
  headers?: Record<string, string>
  /** An object is sent as JSON; a string as is. */
  body?: unknown
}

export async function call(sandbox: RunningSandbox, method: string, path: string, options: CallOptions = {}): Promise<Reply> {
  const headers: Record<string, string> = { accept: "application/json", ...(options.headers ?? bearer()) }
  let body: string | undefined
  if (options.body !== undefined) {
    headers["content-type"] ??= "application/json"
    body = typeof options.body === "string" ? options.body : JSON.stringify(options.body)
  }
  const response = await fetch(`${sandbox.url}${path}`, { method, headers, body, redirect: "manual" })
  const text = await response.text()
  let json: unknown = undefined
  try {
    json = JSON.parse(text)
  } catch {
    // not JSON (HTML pages, redirects)
  }
  return { status: response.status, headers: response.headers, text, json }
}

/** The `message` (and `errors`, `retry_after_seconds`) of an error answer. */
export function errorOf(reply: Reply) {
  return errorBodySchema.parse(reply.json)
}

export function checkoutBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { amount: 10.5, note: `order_${Math.random().toString(36).slice(2, 10)}`, notify_url: "http://127.0.0.1:9/hook", ...overrides }
}

/** Opens a checkout; answers its cs token and the sandbox's payment record id. */
export async function openCheckout(
  sandbox: RunningSandbox,
  overrides: Record<string, unknown> = {},
  merchant: SandboxMerchant = MERCHANT
): Promise<{ cs: string; id: number; checkoutUrl: string }> {
  const reply = await call(sandbox, "POST", `${API}/checkout-session`, { headers: bearer(merchant), body: checkoutBody(overrides) })
  if (reply.status !== 201) throw new Error(`checkout-session answered ${reply.status}: ${reply.text}`)
  const { checkout_url: checkoutUrl } = z.object({ checkout_url: z.string() }).parse(reply.json)
  const cs = new URL(checkoutUrl).searchParams.get("cs") ?? ""
  const record = (await controlPayments(sandbox)).find((payment) => payment.cs === cs)
  if (!record) throw new Error(`no record for cs ${cs}`)
  return { cs, id: record.id, checkoutUrl }
}

export async function payByControl(sandbox: RunningSandbox, cs: string, body: Record<string, unknown> = {}): Promise<Reply> {
  return call(sandbox, "POST", `/__sandbox/checkouts/${cs}/pay`, { headers: {}, body })
}

export const controlPaymentSchema = z.looseObject({
  id: z.number(),
  merchant_id: z.number(),
  status: z.string(),
  amount: z.string(),
  total_amount: z.string().nullable(),
  refunded_amount: z.string(),
  note: z.string(),
  cs: z.string(),
  notify_url: z.string(),
  refunds: z.array(z.looseObject({ refund_id: z.number(), amount: z.string(), reason: z.string() })),
})

export async function controlPayments(sandbox: RunningSandbox) {
  const reply = await call(sandbox, "GET", "/__sandbox/payments", { headers: {} })
  return z.object({ data: z.array(controlPaymentSchema) }).parse(reply.json).data
}

export const deliverySchema = z.object({
  id: z.number(),
  payment_record_id: z.number(),
  event: z.string(),
  url: z.string(),
  status: z.enum(["pending", "delivered", "failed", "dropped"]),
  attempts: z.number(),
  last_status_code: z.number().nullable(),
  attempts_log: z.array(z.object({ at: z.string(), timestamp: z.number(), status_code: z.number().optional(), error: z.string().optional() })),
  body: z.string(),
  created_at: z.string(),
  faults_applied: z.array(z.string()),
})
export type DeliveryView = z.infer<typeof deliverySchema>

export async function deliveries(sandbox: RunningSandbox): Promise<DeliveryView[]> {
  const reply = await call(sandbox, "GET", "/__sandbox/deliveries", { headers: {} })
  return z.object({ data: z.array(deliverySchema) }).parse(reply.json).data
}

export const requestLogSchema = z.array(
  z.object({
    method: z.string(),
    path: z.string(),
    merchant_id: z.number().nullable(),
    status: z.number(),
    idempotency_key: z.string().nullable(),
  })
)

export async function requestLog(sandbox: RunningSandbox) {
  const reply = await call(sandbox, "GET", "/__sandbox/requests", { headers: {} })
  return requestLogSchema.parse(reply.json)
}

export async function resetSandbox(sandbox: RunningSandbox): Promise<void> {
  const reply = await call(sandbox, "POST", "/__sandbox/reset", { headers: {} })
  if (reply.status !== 200) throw new Error(`reset answered ${reply.status}`)
}

/** Polls `probe` until it answers something other than undefined, or fails after `timeoutMs`. */
export async function waitFor<T>(probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 3_000, what = "condition"): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await probe()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await sleep(10)
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/** A clock the test moves by hand. */
export function manualClock(start = Date.parse("2026-03-24T12:00:00Z")) {
  let t = start
  return {
    now: () => t,
    advance(ms: number) {
      t += ms
    },
    set(ms: number) {
      t = ms
    },
  }
}

export interface ReceivedWebhook {
  headers: IncomingHttpHeaders
  /** The raw bytes as received. */
  raw: Buffer
  receivedAt: number
}

export interface Receiver {
  url: string
  received: ReceivedWebhook[]
  close(): Promise<void>
}

/**
 * A local webhook receiver. `respond` picks each answer's status from the call's index
 * (0-based); "hang" never answers (for timeouts). Default: always 200.
 */
export async function startReceiver(respond: (index: number) => number | "hang" = () => 200): Promise<Receiver> {
  const received: ReceivedWebhook[] = []
  const server = createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on("data", (chunk: Buffer) => chunks.push(chunk))
    request.on("end", () => {
      const index = received.length
      received.push({ headers: request.headers, raw: Buffer.concat(chunks), receivedAt: Date.now() })
      const status = respond(index)
      if (status === "hang") return
      response.writeHead(status, { "content-type": "text/plain" }).end(status < 300 ? "ok" : "no")
    })
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/hooks/usdt`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}

export interface SandboxWithReceiver {
  readonly sandbox: RunningSandbox
  readonly receiver: Receiver
}

/**
 * The one set-up of the sandbox test files that keep a sandbox for the whole file: one sandbox
 * (`start(options)`) and one webhook receiver, both reset before each test (records,
 * deliveries, faults, dialects and rate-limit windows; received webhooks). A file that posts no
 * webhook just leaves `.receiver` alone (it is an idle local server). Call at the top of a
 * describe block; read `.sandbox` and `.receiver` inside the tests.
 */
export function useSandboxWithReceiver(options: Partial<SandboxOptions> = {}, respond?: (index: number) => number | "hang"): SandboxWithReceiver {
  const state: { sandbox?: RunningSandbox; receiver?: Receiver } = {}
  beforeAll(async () => {
    state.sandbox = await start(options)
    state.receiver = await startReceiver(respond)
  })
  afterAll(async () => {
    await state.sandbox?.stop()
    await state.receiver?.close()
  })
  beforeEach(async () => {
    if (state.sandbox) await resetSandbox(state.sandbox)
    state.receiver?.received.splice(0)
  })
  return {
    get sandbox() {
      if (!state.sandbox) throw new Error("the sandbox is not started yet")
      return state.sandbox
    },
    get receiver() {
      if (!state.receiver) throw new Error("the receiver is not started yet")
      return state.receiver
    },
  }
}
