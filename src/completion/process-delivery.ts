/**
 * Processing a verified webhook delivery, after the route has recorded it (`queued`) and
 * answered: its stored raw body is run through completeUsdtPayment, and the row's outcome
 * becomes the completion's (`completed`, `already_completed`, `ignored_event`…, the reason its
 * detail). The one completion path of a delivery, whoever runs it:
 *
 *   - the route, in the background after its answer (processDeliveryInBackground): a failure
 *     that may pass (UsdtCompletionRetryableError: gateway unavailable, cart lock timeout) is
 *     recorded as `retry` and tried again here after a short backoff, IN_PROCESS_ATTEMPTS
 *     times in all; any other error is `error`;
 *   - the retry job (src/jobs/usdt-webhook-retry.ts), once per run, for a delivery left
 *     `queued` (the process died between answering and processing) or `retry`;
 *   - an admin's replay (delivery-replay.ts), through runDeliveryCompletion.
 *
 * At most MAX_CONCURRENT_PROCESSING deliveries are processed at once in a process, so a burst
 * of deliveries queues here instead of exhausting the database pool. Each processing holds
 * the row's claim (claimWebhookDelivery) so that no other process takes it meanwhile;
 * completeUsdtPayment is idempotent anyway (per-cart lock, one payment, one capture, one
 * order), so a delivery processed twice (a claim outlived, a replay) still makes one order.
 */
import type { Logger, MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, MedusaError } from "@medusajs/framework/utils"
import { issuePath, webhookEventSchema } from "../gateway"
import { USDT_GATEWAY_MODULE, type UsdtGatewayModuleService, type WebhookDeliveryRecord } from "../modules/usdt-gateway"
import { resolveUsdtDeliveryContext, type UsdtDeliveryContext } from "../providers/usdt/delivery-context"
import { completeUsdtPayment, type UsdtCompletionResult, UsdtCompletionRetryableError } from "./complete-usdt-payment"
import { noticeFromWebhook } from "./payment-notice"

/** Deliveries processed at once in one process (each may run completeCartWorkflow). */
export const MAX_CONCURRENT_PROCESSING = 4
/** Attempts the receiving process makes before leaving a `retry` to the retry job. */
export const IN_PROCESS_ATTEMPTS = 3
/** Backoff before the 2nd, 3rd… in-process attempt. */
export const RETRY_BACKOFF_MS = [1_000, 3_000]

export type DeliveryCompletion =
  | { kind: "settled"; result: UsdtCompletionResult }
  | { kind: "retry"; message: string }
  | { kind: "error"; message: string; error: unknown }

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/** The contract's event in a stored raw body; a NOT_ALLOWED error when it breaks the contract. */
function storedEventOf(rawBody: string) {
  let body: unknown
  try {
    body = JSON.parse(rawBody)
  } catch {
    throw new MedusaError(MedusaError.Types.NOT_ALLOWED, "The stored body of this delivery is not JSON, so it cannot be processed.")
  }
  const parsed = webhookEventSchema.safeParse(body)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new MedusaError(MedusaError.Types.NOT_ALLOWED, `The stored body breaks the contract at ${issuePath(issue.path) || "(root)"}: ${issue.message}`)
  }
  return parsed.data
}

/** Runs a stored verified delivery through completeUsdtPayment once: settled, retry (may pass) or error. */
export async function runDeliveryCompletion(container: MedusaContainer, delivery: WebhookDeliveryRecord, context?: UsdtDeliveryContext): Promise<DeliveryCompletion> {
  try {
    const event = storedEventOf(delivery.raw_body)
    const resolved = context ?? (await resolveUsdtDeliveryContext(container))
    const result = await completeUsdtPayment(container, { notice: noticeFromWebhook(event), source: "webhook", delivery: resolved })
    return { kind: "settled", result }
  } catch (error) {
    if (error instanceof UsdtCompletionRetryableError) return { kind: "retry", message: error.message }
    return { kind: "error", message: messageOf(error), error }
  }
}

/** A small FIFO gate: at most `limit` tasks run at once. */
class Gate {
  private running = 0
  private readonly waiting: (() => void)[] = []
  constructor(private readonly limit: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve))
    else this.running++
    try {
      return await task()
    } finally {
      const next = this.waiting.shift()
      if (next) next()
      else this.running--
    }
  }
}

const gate = new Gate(MAX_CONCURRENT_PROCESSING)

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

export interface ProcessDeliveryOptions {
  /** The delivery context the route resolved (else resolved here). */
  context?: UsdtDeliveryContext
  /** Attempts in this call: IN_PROCESS_ATTEMPTS for the route, 1 for the retry job. */
  attempts?: number
  backoffMs?: readonly number[]
}

/**
 * Processes one delivery the caller holds the claim of, through the gate: its outcome is
 * recorded after each attempt. Never throws for the completion's failures (they are the
 * row's outcome); answers the row as last recorded.
 */
export async function processDelivery(container: MedusaContainer, id: string, options: ProcessDeliveryOptions = {}): Promise<WebhookDeliveryRecord | null> {
  const settings = container.resolve<UsdtGatewayModuleService>(USDT_GATEWAY_MODULE)
  const logger: Logger = container.resolve(ContainerRegistrationKeys.LOGGER)
  const attempts = Math.max(1, options.attempts ?? 1)
  const backoff = options.backoffMs ?? RETRY_BACKOFF_MS
  return gate.run(async () => {
    const delivery = await settings.retrieveWebhookDelivery(id)
    if (!delivery) return null
    let recorded: WebhookDeliveryRecord = delivery
    for (let attempt = 1; attempt <= attempts; attempt++) {
      const completion = await runDeliveryCompletion(container, delivery, options.context)
      const payment = delivery.payment_record_id ?? "?"
      if (completion.kind === "settled") {
        return settings.recordDeliveryAttempt(id, { outcome: completion.result.outcome, reason: completion.result.detail ?? null, attempts: delivery.attempts + attempt })
      }
      if (completion.kind === "error") {
        logger.error(`USDT webhook ${id} for gateway payment ${payment} failed: ${completion.message}`)
        return settings.recordDeliveryAttempt(id, { outcome: "error", reason: completion.message, attempts: delivery.attempts + attempt })
      }
      const last = attempt === attempts
      logger.warn(`USDT webhook ${id} for gateway payment ${payment} failed (${last ? "left to the retry job" : "will be retried"}): ${completion.message}`)
      recorded = await settings.recordDeliveryAttempt(id, { outcome: "retry", reason: completion.message, attempts: delivery.attempts + attempt, keepClaim: !last })
      if (!last) await sleep(backoff[Math.min(attempt - 1, backoff.length - 1)] ?? 0)
    }
    return recorded
  })
}

/**
 * A burst of deliveries is answered before it is processed: a processing starts once no
 * delivery has arrived for QUIET_MS, and at the latest MAX_DEFER_MS after its own arrival.
 * Each answer then costs its verification and one row, not a share of the CPU the completions
 * of the burst's earlier deliveries take (their rows are written, so waiting loses nothing).
 */
export const QUIET_MS = 20
export const MAX_DEFER_MS = 500
let lastArrival = 0

function afterBurst(arrivedAt: number): Promise<void> {
  lastArrival = Math.max(lastArrival, arrivedAt)
  return new Promise((resolve) => {
    const check = () => {
      const now = Date.now()
      if (now - lastArrival >= QUIET_MS || now - arrivedAt >= MAX_DEFER_MS) return resolve()
      setTimeout(check, Math.min(QUIET_MS - (now - lastArrival), MAX_DEFER_MS - (now - arrivedAt)))
    }
    setTimeout(check, QUIET_MS)
  })
}

/**
 * What the route calls after its answer: processes the delivery it recorded (and claimed) in
 * the background, never awaited by the request, once its burst has been answered
 * (afterBurst). An error here (the database gone) is logged; the row stays `queued`/`retry`
 * for the retry job.
 */
export function processDeliveryInBackground(container: MedusaContainer, id: string, context: UsdtDeliveryContext): void {
  const logger: Logger = container.resolve(ContainerRegistrationKeys.LOGGER)
  afterBurst(Date.now())
    .then(() => processDelivery(container, id, { context, attempts: IN_PROCESS_ATTEMPTS }))
    .catch((error: unknown) => {
      logger.error(`USDT webhook ${id} could not be processed now (the retry job will take it): ${messageOf(error)}`)
    })
}
