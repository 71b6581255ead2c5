/**
 * The scheduled USDT reconciliation: every 5 minutes by default (USDT_RECONCILE_CRON, or
 * USDT_RECONCILE_INTERVAL_MINUTES; USDT_RECONCILE_ENABLED=false turns it off), reads the
 * gateway's paid payments since the high-water mark (minus the overlap) and makes the store
 * agree with them. A run already in progress elsewhere makes this one a no-op; a failure is
 * logged and left to the next run.
 */
import type { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { GatewayNotConnectedError } from "../providers/usdt/credentials"
import { ReconcileAlreadyRunningError, reconcileScheduleFromEnv, runUsdtReconciliation, scheduledReconcileEnabled } from "../reconcile"

export default async function usdtReconcileJob(container: MedusaContainer): Promise<void> {
  const logger = container.resolve(ContainerRegistrationKeys.LOGGER)
  if (!scheduledReconcileEnabled()) return
  try {
    await runUsdtReconciliation(container, { trigger: "schedule" })
  } catch (error) {
    if (error instanceof ReconcileAlreadyRunningError || error instanceof GatewayNotConnectedError) {
      logger.info(`USDT reconcile skipped: ${error.message}`)
      return
    }
    logger.error(`USDT reconcile failed: ${error instanceof Error ? error.message : String(error)}`)
  }
}

export const config = {
  name: "usdt-reconcile",
  schedule: reconcileScheduleFromEnv(),
}
