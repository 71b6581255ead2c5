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

export default async function usdtDeliveryLogPruneJob(container: MedusaContainer, now: Date = new Date()): Promise<number> {
  const logger = container.resolve(ContainerRegistrationKeys.LOGGER)
  const settings = usdtGatewayIn(container)
  if (!settings) return 0
  try {
    const days = usdtRegistration(container).options.deliveryLogRetentionDays ?? DEFAULT_DELIVERY_LOG_RETENTION_DAYS
    const deleted = await settings.pruneWebhookDeliveries(new Date(now.getTime() - days * DAY_MS))
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
