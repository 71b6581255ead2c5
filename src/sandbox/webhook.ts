/**
 * Webhook delivery: when a payment completes, its `payment.completed` body is POSTed to the
 * notify_url with the page's headers, signed by the gateway core's `signWebhook` afresh on
 * every try (the `webhook_same_timestamp` dialect re-sends the first try's timestamp instead:
 * receivers must accept that too, within their tolerance). A try that gets no 2xx is retried
 * after growing delays; fault switches may drop, duplicate, reorder or delay a delivery.
 * Deliveries go only to local addresses.
 */
import { Agent, request } from "undici"
import { PAYMENT_COMPLETED } from "../gateway/contract"
import { signWebhook } from "../gateway/webhook-signature"
import {
  type AttemptOutcome,
  type Delivery,
  lastTimestamp,
  recordAttempt,
  type RetryPolicy,
  signingTimestamp,
} from "./delivery-state"
import type { DialectSwitches } from "./dialects"
import { type FaultSwitches, REORDER_MAX_DELAY_MS } from "./faults"
import { isLocalHostname, localOnlyLookup, notLocalMessage } from "./local-network"
import type { Logger } from "./log"
import type { PaymentState } from "./payment-state"
import { paymentCompletedEvent } from "./payment-view"
import type { MerchantState } from "./store"
import { createTimerGroup } from "./timers"

export interface WebhookDeps {
  policy: RetryPolicy
  faults: FaultSwitches
  dialects: DialectSwitches
  merchant(id: number): MerchantState | undefined
  now: () => number
  log: Logger
}

export interface WebhookDispatcher {
  /** Records (and schedules) the deliveries of a payment that just completed. */
  enqueue(payment: PaymentState): void
  list(): Delivery[]
  /** Forgets every delivery and cancels their pending tries. */
  reset(): void
  /** Cancels everything, in flight included, for good. */
  close(): Promise<void>
}

function errorCode(error: unknown): string | undefined {
  if (typeof error === "object" && error !== null && "code" in error && typeof error.code === "string") return error.code
  return undefined
}

function describe(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error)
  const code = errorCode(error)
  return code && !message.includes(code) ? `${code}: ${message}` : message
}

export function createWebhookDispatcher(deps: WebhookDeps): WebhookDispatcher {
  const { policy, faults, log } = deps
  const deliveries = new Map<number, Delivery>()
  const timers = createTimerGroup()
  const inFlight = new Set<AbortController>()
  const agent = new Agent({ connect: { lookup: localOnlyLookup }, keepAliveTimeout: 1_000 })
  let lastId = 0
  let generation = 0
  let closed = false

  const iso = (ms: number) => new Date(ms).toISOString()

  async function post(delivery: Delivery, merchant: MerchantState, timestamp: number): Promise<AttemptOutcome> {
    const { hostname } = new URL(delivery.url)
    if (!isLocalHostname(hostname)) return { error: notLocalMessage(hostname), final: true }
    const signed = signWebhook({ body: delivery.body, secrets: merchant.webhookSecret, apiKey: merchant.apiKey, timestamp })
    const stop = new AbortController()
    const timeout = AbortSignal.timeout(policy.timeoutMs)
    inFlight.add(stop)
    try {
      const response = await request(delivery.url, {
        method: "POST",
        headers: { ...signed.headers, "user-agent": "usdt-gateway-sandbox" },
        body: signed.body,
        dispatcher: agent,
        signal: AbortSignal.any([stop.signal, timeout]),
        headersTimeout: policy.timeoutMs,
        bodyTimeout: policy.timeoutMs,
      })
      await response.body.dump()
      return { statusCode: response.statusCode }
    } catch (error) {
      if (timeout.aborted) return { error: `timeout: no answer within ${policy.timeoutMs} ms` }
      const notLocal = errorCode(error) === "ESANDBOX_NOT_LOCAL" || errorCode(error instanceof Error ? error.cause : undefined) === "ESANDBOX_NOT_LOCAL"
      return { error: describe(error), final: notLocal }
    } finally {
      inFlight.delete(stop)
    }
  }

  function schedule(id: number, waitMs: number, round: number): void {
    const delivery = deliveries.get(id)
    if (!delivery) return
    deliveries.set(id, { ...delivery, next_attempt_at: iso(deps.now() + waitMs) })
    timers.after(waitMs, () => void attempt(id, round))
  }

  async function attempt(id: number, round: number): Promise<void> {
    const delivery = deliveries.get(id)
    if (!delivery || closed || round !== generation) return
    const at = deps.now()
    const timestamp = deps.dialects.signingTimestamp(signingTimestamp(at, lastTimestamp(delivery)), delivery.attempts_log[0]?.timestamp)
    const merchant = deps.merchant(delivery.merchant_id)
    const outcome: AttemptOutcome = merchant ? await post(delivery, merchant, timestamp) : { error: "unknown merchant", final: true }
    if (closed || round !== generation) return
    const { delivery: next, retryInMs } = recordAttempt(delivery, { at: iso(at), timestamp, outcome }, policy)
    deliveries.set(id, next)
    const result = "statusCode" in outcome ? `HTTP ${outcome.statusCode}` : outcome.error
    const then = retryInMs === null ? next.status : `retry in ${retryInMs} ms`
    log.info(`webhook #${id} (payment ${next.payment_record_id}) → ${next.url}: ${result}, attempt ${next.attempts}/${policy.maxAttempts}, ${then}`)
    if (retryInMs !== null) schedule(id, retryInMs, round)
  }

  function record(payment: PaymentState, body: string, applied: string[], dropped: boolean): Delivery {
    const delivery: Delivery = {
      id: ++lastId,
      payment_record_id: payment.id,
      merchant_id: payment.merchantId,
      event: PAYMENT_COMPLETED,
      url: payment.notifyUrl,
      status: dropped ? "dropped" : "pending",
      attempts: 0,
      last_status_code: null,
      attempts_log: [],
      body,
      created_at: iso(deps.now()),
      next_attempt_at: null,
      faults_applied: dropped ? [...applied, "dropped"] : applied,
    }
    deliveries.set(delivery.id, delivery)
    return delivery
  }

  return {
    enqueue(payment) {
      if (closed) return
      const body = JSON.stringify(deps.dialects.webhook(paymentCompletedEvent(payment)))
      const current = faults.current()
      const copies = faults.roll(current.webhook_duplicate_rate) ? (current.webhook_duplicate_copies ?? 2) : 1
      for (let copy = 0; copy < copies; copy++) {
        const applied = copies > 1 ? ["duplicate"] : []
        if (faults.roll(current.webhook_drop_rate)) {
          record(payment, body, applied, true)
          log.info(`webhook for payment ${payment.id} dropped (fault)`)
          continue
        }
        let wait = current.webhook_delay_ms ?? 0
        if (wait > 0) applied.push(`delay +${wait}ms`)
        if (faults.roll(current.webhook_reorder_rate)) {
          const extra = faults.between(REORDER_MAX_DELAY_MS)
          wait += extra
          applied.push(`reorder +${extra}ms`)
        }
        schedule(record(payment, body, applied, false).id, wait, generation)
      }
    },
    list: () => [...deliveries.values()].sort((a, b) => a.id - b.id),
    reset() {
      generation++
      timers.clear()
      for (const controller of inFlight) controller.abort()
      deliveries.clear()
    },
    async close() {
      closed = true
      timers.clear()
      for (const controller of inFlight) controller.abort()
      await agent.destroy()
    },
  }
}
