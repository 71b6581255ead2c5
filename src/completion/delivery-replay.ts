/**
 * Replays a verified webhook delivery: its stored raw body is parsed against the contract and
 * run through the same completion function as the webhook route (completeUsdtPayment), so a
 * replay is exactly as idempotent as a redelivery by the gateway. The signature is not checked
 * again: it was checked on receipt, and its timestamp is old by now. The replay resolves its
 * own delivery context (registration, credentials, client) once, as a delivery does.
 */
import type { MedusaContainer } from "@medusajs/framework/types"
import { MedusaError } from "@medusajs/framework/utils"
import { issuePath, webhookEventSchema } from "../gateway"
import { USDT_GATEWAY_MODULE, type UsdtGatewayModuleService, type WebhookDeliveryRecord } from "../modules/usdt-gateway"
import { resolveUsdtDeliveryContext } from "../providers/usdt/delivery-context"
import { completeUsdtPayment, UsdtCompletionRetryableError } from "./complete-usdt-payment"
import { noticeFromWebhook } from "./payment-notice"

export interface ReplayResult {
  ok: boolean
  outcome: string
  message: string
  /** The delivery as stored after the replay (its replay time and outcome). */
  delivery: WebhookDeliveryRecord
}

const SUCCESS = new Set(["completed", "already_completed"])

function eventOf(rawBody: string) {
  let body: unknown
  try {
    body = JSON.parse(rawBody)
  } catch {
    throw new MedusaError(MedusaError.Types.NOT_ALLOWED, "The stored body of this delivery is not JSON, so it cannot be replayed.")
  }
  const parsed = webhookEventSchema.safeParse(body)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new MedusaError(MedusaError.Types.NOT_ALLOWED, `The stored body breaks the contract at ${issuePath(issue.path) || "(root)"}: ${issue.message}`)
  }
  return parsed.data
}

export async function replayDelivery(container: MedusaContainer, id: string): Promise<ReplayResult> {
  const settings = container.resolve<UsdtGatewayModuleService>(USDT_GATEWAY_MODULE)
  const delivery = await settings.retrieveWebhookDelivery(id)
  if (!delivery) throw new MedusaError(MedusaError.Types.NOT_FOUND, `Webhook delivery ${id} was not found.`)
  if (!delivery.verified) {
    throw new MedusaError(
      MedusaError.Types.NOT_ALLOWED,
      `Only a verified delivery can be replayed; this one was refused (${delivery.reason ?? "unverified"}).`
    )
  }
  const event = eventOf(delivery.raw_body)
  let outcome: string
  let message: string
  const context = await resolveUsdtDeliveryContext(container)
  try {
    const result = await completeUsdtPayment(container, { notice: noticeFromWebhook(event), source: "webhook", delivery: context })
    outcome = result.outcome
    message = result.detail ? `${result.outcome}: ${result.detail}` : result.outcome
  } catch (error) {
    if (!(error instanceof UsdtCompletionRetryableError)) throw error
    outcome = "retry_later"
    message = `Not completed yet, try again later: ${error.message}`
  }
  const updated = await settings.markWebhookDeliveryReplayed(delivery.id, outcome)
  return { ok: SUCCESS.has(outcome), outcome, message, delivery: updated }
}
