/**
 * POST /hooks/usdt — the gateway's webhook for this store (the `notify_url` of every checkout
 * the USDT provider opens: `${backendUrl}/hooks/usdt`).
 *
 * The signature is verified against the raw bytes before anything else, with every configured
 * webhook secret and the configured tolerance: a bad one is answered 401 `{ message, reason }`
 * and nothing is enqueued or read. A verified event is then processed synchronously by
 * completeUsdtPayment, and the answer says what happened:
 *   200 `{ outcome, … }`  done, or acknowledged without effect (unknown note, other merchant…)
 *   503                   a failure that may pass: the gateway retries the delivery
 */
import type { MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { verifyWebhook } from "../../../gateway"
import { logWebhookDelivery } from "../../../modules/usdt-gateway/delivery-recorder"
import { type GatewayCredentials, GatewayNotConnectedError, resolveGatewayCredentials } from "../../../providers/usdt/credentials"
import { usdtRegistration } from "../../../providers/usdt/registration"
import { completeUsdtPayment, UsdtCompletionRetryableError } from "../../../completion/complete-usdt-payment"
import { noticeFromWebhook } from "../../../completion/payment-notice"

function rawBodyOf(req: MedusaRequest): Buffer | string | undefined {
  const raw: unknown = req.rawBody
  return Buffer.isBuffer(raw) || typeof raw === "string" ? raw : undefined
}

export async function POST(req: MedusaRequest, res: MedusaResponse): Promise<void> {
  const logger = req.scope.resolve(ContainerRegistrationKeys.LOGGER)
  const receivedAt = new Date()
  const { options } = usdtRegistration(req.scope)
  let rawBody = rawBodyOf(req)
  let credentials: GatewayCredentials
  try {
    credentials = await resolveGatewayCredentials(options, req.scope)
  } catch (error) {
    if (!(error instanceof GatewayNotConnectedError)) throw error
    // Not connected yet: the gateway retries later, by which time the admin may have saved the settings.
    logger.warn(`USDT webhook received while the gateway is not connected: ${error.message}`)
    await logWebhookDelivery(req.scope, { raw_body: rawBody ?? "", verified: false, reason: "not_connected", outcome: "retry", received_at: receivedAt }, logger)
    res.status(503).json({ message: error.message, reason: "not_connected" })
    return
  }
  const parsedBody: unknown = req.body
  if (rawBody === undefined && typeof parsedBody === "object" && parsedBody !== null && Object.keys(parsedBody).length > 0) {
    logger.error("USDT webhook: the raw body was not preserved; check src/api/middlewares.ts (preserveRawBody)")
    await logWebhookDelivery(req.scope, { raw_body: JSON.stringify(parsedBody), verified: false, reason: "body_not_raw", outcome: "rejected", received_at: receivedAt }, logger)
    res.status(500).json({ message: "The webhook body could not be read as received", reason: "body_not_raw" })
    return
  }
  rawBody ??= ""
  const verification = verifyWebhook({
    rawBody,
    headers: req.headers,
    secrets: credentials.webhookSecrets,
    toleranceSeconds: options.webhookToleranceSeconds,
  })
  if (!verification.valid) {
    const signatureProblem = verification.reason !== "body_not_json" && verification.reason !== "body_not_contract"
    logger.warn(`USDT webhook refused (${verification.reason}): ${verification.message}`)
    await logWebhookDelivery(req.scope, { raw_body: rawBody, verified: false, reason: verification.reason, outcome: "rejected", received_at: receivedAt }, logger)
    if (verification.reason === "no_secret") {
      res.status(500).json({ message: "The USDT webhook secret is not configured", reason: verification.reason })
      return
    }
    res.status(signatureProblem ? 401 : 422).json({ message: verification.message, reason: verification.reason })
    return
  }
  try {
    const result = await completeUsdtPayment(req.scope, { notice: noticeFromWebhook(verification.event), source: "webhook" })
    await logWebhookDelivery(req.scope, { raw_body: rawBody, verified: true, reason: result.detail ?? null, outcome: result.outcome, received_at: receivedAt }, logger)
    res.status(200).json(result)
  } catch (error) {
    const retryable = error instanceof UsdtCompletionRetryableError
    const message = error instanceof Error ? error.message : String(error)
    await logWebhookDelivery(req.scope, { raw_body: rawBody, verified: true, reason: message, outcome: retryable ? "retry" : "error", received_at: receivedAt }, logger)
    logger.error(`USDT webhook for gateway payment ${verification.event.payment_record_id} failed${retryable ? " (will be retried)" : ""}: ${message}`)
    res.status(retryable ? 503 : 500).json({ message: retryable ? message : "The webhook could not be processed; it will be retried" })
  }
}
