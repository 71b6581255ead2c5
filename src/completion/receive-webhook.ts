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
 *   3. A verified delivery is written to the delivery log FIRST, as `queued` and claimed by
 *      this process: that row is the answer's promise, so when it cannot be written the
 *      ending is `not_recorded` (503: the gateway delivers again). Once it is written the
 *      ending is `queued` (200 `{ outcome: "queued", delivery_id }`), and the receipt's
 *      `afterAnswer` processes the row in the background (src/completion/process-delivery.ts):
 *      completeUsdtPayment, then the row's outcome. The retry job takes any row left behind.
 *
 * A refused delivery is logged once at the one exit below, best-effort (the log must not change
 * the answer to a refusal); an unexpected error too, as `internal_error`, before it propagates.
 */
import type { Logger, MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { type HeaderBag, verifyWebhook } from "../gateway"
import { logWebhookDelivery } from "../modules/usdt-gateway/delivery-recorder"
import type { RecordWebhookDeliveryInput } from "../modules/usdt-gateway/types"
import { GatewayNotConnectedError } from "../providers/usdt/credentials"
import { resolveUsdtDeliveryContext, type UsdtDeliveryContext } from "../providers/usdt/delivery-context"
import { USDT_GATEWAY_MODULE, type UsdtGatewayModuleService } from "../modules/usdt-gateway"
import { processDeliveryInBackground } from "./process-delivery"

/** How a delivery ends; the route maps each to its HTTP status. */
export type WebhookEnding =
  /** Verified and recorded (`queued`): processed after the answer. */
  | "queued"
  /** Verified, but its delivery row could not be written: nothing promised, the gateway delivers again. */
  | "not_recorded"
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

export type WebhookReceipt =
  | { ending: "queued"; body: { outcome: "queued"; delivery_id: string }; /** Run once the answer is sent: processes the delivery. */ afterAnswer: () => void }
  | { ending: Exclude<WebhookEnding, "queued">; body: { message: string; reason?: string } }

export interface WebhookDelivery {
  /** The exact bytes received, when the middleware kept them. */
  rawBody: Buffer | string | undefined
  /** What the body parser made of them (only to tell a lost raw body from an empty one). */
  parsedBody: unknown
  headers: HeaderBag
  receivedAt: Date
}

type Logged = Omit<RecordWebhookDeliveryInput, "received_at">
/** `logged`: what to log at the exit (a refusal); null when the delivery's row is already written. */
type Step = { receipt: WebhookReceipt; logged: Logged | null }

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
  const payment = verification.event.payment_record_id
  let id: string
  try {
    const settings = container.resolve<UsdtGatewayModuleService>(USDT_GATEWAY_MODULE)
    const row = await settings.recordWebhookDelivery({ raw_body: received, verified: true, outcome: "queued", received_at: delivery.receivedAt, claimed_at: new Date() })
    id = row.id
  } catch (error) {
    logger.error(`USDT webhook for gateway payment ${payment} could not be recorded; answering 503 so that it is delivered again: ${messageOf(error)}`)
    return { receipt: { ending: "not_recorded", body: { message: "The webhook could not be recorded; deliver it again later", reason: "not_recorded" } }, logged: null }
  }
  return {
    receipt: { ending: "queued", body: { outcome: "queued", delivery_id: id }, afterAnswer: () => processDeliveryInBackground(container, id, context) },
    logged: null,
  }
}

/** Decides what the delivery comes to; it is in the delivery log once, whatever the ending. */
export async function receiveUsdtWebhook(container: MedusaContainer, delivery: WebhookDelivery): Promise<WebhookReceipt> {
  const logger: Logger = container.resolve(ContainerRegistrationKeys.LOGGER)
  let logged: Logged | null = { raw_body: delivery.rawBody ?? "", verified: false, reason: "internal_error", outcome: "error" }
  try {
    const step = await receive(container, delivery, logger)
    logged = step.logged
    return step.receipt
  } finally {
    if (logged) await logWebhookDelivery(container, { ...logged, received_at: delivery.receivedAt }, logger)
  }
}
