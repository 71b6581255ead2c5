/**
 * The sandbox gateway as the Medusa tests use it: started on a free port with two merchants
 * (the store's and a stranger's) and short webhook retries, plus a typed client for its
 * control API.
 */
import { z } from "zod"
import { type RunningSandbox, startSandbox } from "../../../../src/sandbox"

export const STORE_MERCHANT = { id: 1001, apiKey: "sk_test_store_1001_key", webhookSecret: "whsec_store_previous" }
/** The secret the store was given after rotating; both verify. */
export const STORE_NEW_WEBHOOK_SECRET = "whsec_store_current"
export const OTHER_MERCHANT = { id: 2002, apiKey: "sk_test_other_2002_key", webhookSecret: "whsec_other_merchant" }

const deliverySchema = z.looseObject({
  id: z.number(),
  payment_record_id: z.number(),
  url: z.string(),
  status: z.string(),
  attempts: z.number(),
  last_status_code: z.number().nullable(),
  attempts_log: z.array(z.looseObject({ at: z.string(), timestamp: z.number().optional(), status_code: z.number().optional() })).default([]),
  body: z.string(),
})
export type SandboxDelivery = z.infer<typeof deliverySchema>

const refundSchema = z.looseObject({ refund_id: z.union([z.number(), z.string()]), amount: z.string(), reason: z.string().nullish() })
const paymentSchema = z.looseObject({
  id: z.number(),
  status: z.string(),
  amount: z.string(),
  total_amount: z.string().nullable(),
  refunded_amount: z.string().nullish(),
  note: z.string().nullable(),
  cs: z.string(),
  notify_url: z.string().nullish(),
  success_url: z.string().nullish(),
  refunds: z.array(refundSchema),
})
export type SandboxPayment = z.infer<typeof paymentSchema>

export type Faults = Partial<
  Record<
    | "webhook_drop_rate"
    | "webhook_duplicate_rate"
    | "webhook_duplicate_copies"
    | "webhook_reorder_rate"
    | "webhook_delay_ms"
    | "api_error_rate"
    | "api_429_rate"
    | "latency_ms",
    number
  >
> & { api_fault_methods?: ("GET" | "POST")[] }

export interface SandboxControl {
  url: string
  pay(checkoutUrl: string, amountDollars?: string): Promise<{ status: number; body: unknown }>
  expire(checkoutUrl: string): Promise<void>
  payments(): Promise<SandboxPayment[]>
  paymentByNote(note: string): Promise<SandboxPayment | undefined>
  deliveries(): Promise<SandboxDelivery[]>
  /**
   * Waits until the payment's deliveries are all settled (delivered, failed or dropped), then
   * for `afterDeliveries` (the store's processing of what it acknowledged, when a suite set it).
   */
  settledDeliveries(paymentRecordId: number, timeoutMs?: number): Promise<SandboxDelivery[]>
  /** The store answers a delivery once recorded and processes it afterwards: useShop sets this to wait for that. */
  afterDeliveries?: () => Promise<void>
  setFaults(faults: Faults): Promise<void>
  /** Replaces the dialect switches (src/sandbox/dialects.ts); `{}` restores the contract's form. */
  setDialects(dialects: Record<string, unknown>): Promise<void>
  /** Paid records of the store merchant created evenly over [from, to], no webhook (bulk endpoint). */
  bulk(count: number, from: Date, to: Date): Promise<void>
  reset(): Promise<void>
  stop(): Promise<void>
}

export function tokenOf(checkoutUrl: string): string {
  const token = new URL(checkoutUrl).searchParams.get("cs")
  if (!token) throw new Error(`no cs token in ${checkoutUrl}`)
  return token
}

async function call(url: string, method: string, body?: unknown): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await response.text()
  return { status: response.status, body: text ? JSON.parse(text) : null }
}

export async function startTestSandbox(): Promise<SandboxControl> {
  const sandbox = await startSandbox({
    port: 0,
    merchants: [STORE_MERCHANT, OTHER_MERCHANT],
    rateLimit: false,
    webhookRetry: { maxAttempts: 5, baseDelayMs: 150, factor: 2, maxDelayMs: 1_000, timeoutMs: 15_000 },
    quiet: true,
  })
  return sandboxControl(sandbox)
}

/** The control API of a running sandbox, typed. */
export function sandboxControl(sandbox: RunningSandbox): SandboxControl {
  const control = (path: string) => `${sandbox.url}/__sandbox${path}`
  const expectOk = async (path: string, method: string, body?: unknown) => {
    const answer = await call(control(path), method, body)
    if (answer.status >= 300) throw new Error(`sandbox ${method} ${path} → ${answer.status}: ${JSON.stringify(answer.body)}`)
    return answer.body
  }
  const self: SandboxControl = {
    url: sandbox.url,
    pay: (checkoutUrl, amount) =>
      call(control(`/checkouts/${encodeURIComponent(tokenOf(checkoutUrl))}/pay`), "POST", amount === undefined ? {} : { amount }),
    async expire(checkoutUrl) {
      await expectOk(`/checkouts/${encodeURIComponent(tokenOf(checkoutUrl))}/expire`, "POST", {})
    },
    async payments() {
      return z.object({ data: z.array(paymentSchema) }).parse(await expectOk("/payments", "GET")).data
    },
    async paymentByNote(note) {
      return (await self.payments()).find((payment) => payment.note === note)
    },
    async deliveries() {
      return z.object({ data: z.array(deliverySchema) }).parse(await expectOk("/deliveries", "GET")).data
    },
    async settledDeliveries(paymentRecordId, timeoutMs = 20_000) {
      const until = Date.now() + timeoutMs
      for (;;) {
        const mine = (await self.deliveries()).filter((d) => d.payment_record_id === paymentRecordId)
        if (mine.length > 0 && mine.every((d) => d.status !== "pending")) {
          await self.afterDeliveries?.()
          return mine
        }
        if (Date.now() > until) throw new Error(`deliveries of payment ${paymentRecordId} not settled: ${JSON.stringify(mine)}`)
        await new Promise((resolve) => setTimeout(resolve, 100))
      }
    },
    async setFaults(faults) {
      await expectOk("/faults", "POST", faults)
    },
    async setDialects(dialects) {
      await expectOk("/dialects", "POST", dialects)
    },
    async bulk(count, from, to) {
      await expectOk("/payments/bulk", "POST", { count, merchant_id: STORE_MERCHANT.id, created_from: from.toISOString(), created_to: to.toISOString() })
    },
    async reset() {
      await expectOk("/reset", "POST", {})
    },
    stop: () => sandbox.stop(),
  }
  return self
}
