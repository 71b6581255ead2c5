/**
 * Prunes the webhook delivery log: every hour, rows received more than
 * `deliveryLogRetentionDays` (provider option, default 30) days ago are deleted.
 */
import type { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { usdtGatewayIn } from "../modules/usdt-gateway/saved-credentials"
import { DEFAULT_DELIVERY_LOG_RETENTION_DAYS } from "../providers/usdt/options"
import { usdtRegistration } from "../providers/usdt/registration"

const DAY_MS = 24 * 60 * 60_000

/**
 * Medusa calls a scheduled job as `handler(container, context)`, its second argument an object
 * of its own, not a Date: only a Date a caller passes is taken as "now".
 */
export default async function usdtDeliveryLogPruneJob(container: MedusaContainer, now?: unknown): Promise<number> {
  const at = now instanceof Date ? now : new Date()
  const logger = container.resolve(ContainerRegistrationKeys.LOGGER)
  const settings = usdtGatewayIn(container)
  if (!settings) return 0
  try {
    const days = usdtRegistration(container).options.deliveryLogRetentionDays ?? DEFAULT_DELIVERY_LOG_RETENTION_DAYS
    const deleted = await settings.pruneWebhookDeliveries(new Date(at.getTime() - days * DAY_MS))
    if (deleted > 0) logger.info(`USDT delivery log: pruned ${deleted} deliveries older than ${days} days`)
    return deleted
  } catch (error) {
    logger.error(`USDT delivery log pruning failed: ${error instanceof Error ? error.message : String(error)}`)
    return 0
  }
}

export const config = {
  name: "usdt-delivery-log-prune",
  schedule: "17 * * * *",
}
