/**
 * What the webhook route calls for every delivery it receives: logs it in the usdt_gateway module.
 * Logging must never change the answer to the gateway, so a failure (the module not
 * registered, the database down) is only warned about. Pass the raw body, never headers.
 */
import type { Logger, MedusaContainer } from "@medusajs/framework/types"
import { USDT_GATEWAY_MODULE } from "./saved-credentials"
import type UsdtGatewayModuleService from "./service"
import type { RecordWebhookDeliveryInput } from "./types"

export async function logWebhookDelivery(container: MedusaContainer, input: RecordWebhookDeliveryInput, logger?: Pick<Logger, "warn">): Promise<void> {
  try {
    const settings = container.resolve<UsdtGatewayModuleService | undefined>(USDT_GATEWAY_MODULE, { allowUnregistered: true })
    if (!settings) return
    await settings.recordWebhookDelivery(input)
  } catch (error) {
    logger?.warn(`USDT webhook delivery could not be logged: ${error instanceof Error ? error.message : String(error)}`)
  }
}
