/**
 * Replays a verified webhook delivery: its stored raw body is parsed against the contract and
 * run through the same completion function as the webhook route (completeUsdtPayment), so a
 * replay is exactly as idempotent as a redelivery by the gateway. The signature is not checked
 * again: it was checked on receipt, and its timestamp is old by now. The replay resolves its
 * own delivery context (registration, credentials, client) once, as a delivery does.
 */
import type { MedusaContainer } from "@medusajs/framework/types"
import { MedusaError } from "@medusajs/framework/utils"
import { USDT_GATEWAY_MODULE, type UsdtGatewayModuleService, type WebhookDeliveryRecord } from "../modules/usdt-gateway"
import { UNPROCESSED_OUTCOMES } from "../modules/usdt-gateway/service"
import { runDeliveryCompletion } from "./process-delivery"

export interface ReplayResult {
  ok: boolean
  outcome: string
  message: string
  /** The delivery as stored after the replay (its replay time and outcome). */
  delivery: WebhookDeliveryRecord
}

const SUCCESS = new Set(["completed", "already_completed"])
const UNPROCESSED: ReadonlySet<string> = new Set(UNPROCESSED_OUTCOMES)

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
  // Parses the stored body (a NOT_ALLOWED error naming what breaks the contract), then resolves
  // the delivery's context, then completes: the same call as the route's processing.
  const completion = await runDeliveryCompletion(container, delivery)
  if (completion.kind === "error") throw completion.error
  let outcome: string
  let message: string
  if (completion.kind === "settled") {
    const result = completion.result
    outcome = result.outcome
    message = result.detail ? `${result.outcome}: ${result.detail}` : result.outcome
    // A replay of a delivery still `queued`/`retry` settles it, so the retry job leaves it be.
    if (UNPROCESSED.has(delivery.outcome ?? "")) await settings.recordDeliveryAttempt(delivery.id, { outcome, reason: result.detail ?? null, attempts: delivery.attempts + 1 })
  } else {
    outcome = "retry_later"
    message = `Not completed yet, try again later: ${completion.message}`
  }
  const updated = await settings.markWebhookDeliveryReplayed(delivery.id, outcome)
  return { ok: SUCCESS.has(outcome), outcome, message, delivery: updated }
}
