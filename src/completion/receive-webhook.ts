/**
 * What a delivery to POST /hooks/usdt comes to, decided apart from HTTP: the route hands over
 * the bytes and headers it received and answers with the status its ending maps to
 * (src/api/hooks/usdt/statuses.ts).
 *
 *   1. The delivery's context (registration, credentials, client) is resolved once: not
 *      connected yet ends `not_connected` (the gateway retries later, by which time the admin
 *      may have saved the settings).
 *   2. The signature is verified against the raw bytes, with every configured webhook secret
 *      and the configured tolerance, before anything else is read: `body_not_raw`,
 *      `no_secret`, `bad_signature` or `bad_body` (signed, but not the contract's JSON).
 *   3. A verified event goes to completeUsdtPayment with that same context: `processed` (with
 *      its outcome), `retry` (a failure that may pass) or `failed`.
 *
 * Every delivery is recorded in the delivery log exactly once, at the one exit below, whatever
 * the ending (an unexpected error too, as `internal_error`, before it propagates).
 */
import type { Logger, MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { type HeaderBag, verifyWebhook } from "../gateway"
import { logWebhookDelivery } from "../modules/usdt-gateway/delivery-recorder"
import type { RecordWebhookDeliveryInput } from "../modules/usdt-gateway/types"
import { GatewayNotConnectedError } from "../providers/usdt/credentials"
import { resolveUsdtDeliveryContext, type UsdtDeliveryContext } from "../providers/usdt/delivery-context"
import { completeUsdtPayment, type UsdtCompletionResult, UsdtCompletionRetryableError } from "./complete-usdt-payment"
import { noticeFromWebhook } from "./payment-notice"

/** How a delivery ends; the route maps each to its HTTP status. */
export type WebhookEnding =
  /** Verified and run through the completion: the body is its result (`{ outcome, … }`). */
  | "processed"
  /** The store holds no credentials yet. */
  | "not_connected"
  /** A parsed body reached the route without its raw bytes (the middleware is misconfigured). */
  | "body_not_raw"
  /** No webhook secret is configured. */
  | "no_secret"
  /** Headers missing or malformed, wrong secret, tampered body, stale or future timestamp. */
  | "bad_signature"
  /** Correctly signed, but the body is not JSON or breaks the contract. */
  | "bad_body"
  /** Verified; the completion failed in a way that may pass. */
  | "retry"
  /** Verified; the completion failed for good. */
  | "failed"

export type WebhookReceipt =
  | { ending: "processed"; body: UsdtCompletionResult }
  | { ending: Exclude<WebhookEnding, "processed">; body: { message: string; reason?: string } }

export interface WebhookDelivery {
  /** The exact bytes received, when the middleware kept them. */
  rawBody: Buffer | string | undefined
  /** What the body parser made of them (only to tell a lost raw body from an empty one). */
  parsedBody: unknown
  headers: HeaderBag
  receivedAt: Date
}

type Logged = Omit<RecordWebhookDeliveryInput, "received_at">
type Step = { receipt: WebhookReceipt; logged: Logged }

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

function hasParsedBody(parsed: unknown): boolean {
  return typeof parsed === "object" && parsed !== null && Object.keys(parsed).length > 0
}

async function receive(container: MedusaContainer, delivery: WebhookDelivery, logger: Logger): Promise<Step> {
  const received = delivery.rawBody ?? ""
  let context: UsdtDeliveryContext
  try {
    context = await resolveUsdtDeliveryContext(container)
  } catch (error) {
    if (!(error instanceof GatewayNotConnectedError)) throw error
    logger.warn(`USDT webhook received while the gateway is not connected: ${error.message}`)
    return {
      receipt: { ending: "not_connected", body: { message: error.message, reason: "not_connected" } },
      logged: { raw_body: received, verified: false, reason: "not_connected", outcome: "retry" },
    }
  }
  if (delivery.rawBody === undefined && hasParsedBody(delivery.parsedBody)) {
    logger.error("USDT webhook: the raw body was not preserved; check src/api/middlewares.ts (preserveRawBody)")
    return {
      receipt: { ending: "body_not_raw", body: { message: "The webhook body could not be read as received", reason: "body_not_raw" } },
      logged: { raw_body: JSON.stringify(delivery.parsedBody), verified: false, reason: "body_not_raw", outcome: "rejected" },
    }
  }
  const verification = verifyWebhook({
    rawBody: received,
    headers: delivery.headers,
    secrets: context.credentials.webhookSecrets,
    toleranceSeconds: context.options.webhookToleranceSeconds,
  })
  if (!verification.valid) {
    const { reason, message } = verification
    logger.warn(`USDT webhook refused (${reason}): ${message}`)
    const logged = { raw_body: received, verified: false, reason, outcome: "rejected" }
    if (reason === "no_secret") return { receipt: { ending: "no_secret", body: { message: "The USDT webhook secret is not configured", reason } }, logged }
    const ending = reason === "body_not_json" || reason === "body_not_contract" ? "bad_body" : "bad_signature"
    return { receipt: { ending, body: { message, reason } }, logged }
  }
  try {
    const result = await completeUsdtPayment(container, { notice: noticeFromWebhook(verification.event), source: "webhook", delivery: context })
    return { receipt: { ending: "processed", body: result }, logged: { raw_body: received, verified: true, reason: result.detail ?? null, outcome: result.outcome } }
  } catch (error) {
    const retryable = error instanceof UsdtCompletionRetryableError
    const message = messageOf(error)
    logger.error(`USDT webhook for gateway payment ${verification.event.payment_record_id} failed${retryable ? " (will be retried)" : ""}: ${message}`)
    return {
      receipt: retryable
        ? { ending: "retry", body: { message } }
        : { ending: "failed", body: { message: "The webhook could not be processed; it will be retried" } },
      logged: { raw_body: received, verified: true, reason: message, outcome: retryable ? "retry" : "error" },
    }
  }
}

/** Decides what the delivery comes to and records it once in the delivery log. */
export async function receiveUsdtWebhook(container: MedusaContainer, delivery: WebhookDelivery): Promise<WebhookReceipt> {
  const logger: Logger = container.resolve(ContainerRegistrationKeys.LOGGER)
  let logged: Logged = { raw_body: delivery.rawBody ?? "", verified: false, reason: "internal_error", outcome: "error" }
  try {
    const step = await receive(container, delivery, logger)
    logged = step.logged
    return step.receipt
  } finally {
    await logWebhookDelivery(container, { ...logged, received_at: delivery.receivedAt }, logger)
  }
}
