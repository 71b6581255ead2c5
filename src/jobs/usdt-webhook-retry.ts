/**
 * Finishes verified webhook deliveries that were answered but not processed: every minute,
 * rows left `queued` (the process died between its 200 and the processing) or `retry` (the
 * processing failed in a way that may pass) are processed again through the same path as the
 * route's (src/completion/process-delivery.ts), one attempt each per run.
 *
 * A row is taken only when it was received more than RETRY_AFTER_MS ago (so the receiving
 * process, which processes it right after its answer, is not raced) and only after the job
 * claims it (claimWebhookDelivery: one conditional UPDATE, so two instances or two runs never
 * process one row at once; a claim held by a live processing is left alone until its lease
 * runs out). completeUsdtPayment is idempotent besides (the per-cart lock, one payment, one
 * capture, one order), so even a row processed twice makes one order. At most MAX_PER_RUN rows
 * per run; a row tried MAX_ATTEMPTS times stays `retry` in the delivery log for an admin's replay.
 * Each row costs what its delivery costs: one GET payments/{id} when it names a session to pay.
 */
import type { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { processDelivery } from "../completion/process-delivery"
import { usdtGatewayIn } from "../modules/usdt-gateway/saved-credentials"

/** A delivery younger than this is still the receiving process's to process. */
export const RETRY_AFTER_MS = 30_000
export const MAX_PER_RUN = 50
/** Attempts (in process and by this job) after which a delivery is left to the admin. */
export const MAX_ATTEMPTS = 30

export interface WebhookRetryRun {
  /** Rows this run claimed and processed. */
  processed: number
  /** Of those, how many ended settled (not `retry`). */
  settled: number
}

/**
 * Medusa calls a scheduled job as `handler(container, context)`, its second argument an object
 * of its own, not a Date: only a Date a caller passes is taken as "now".
 */
export default async function usdtWebhookRetryJob(container: MedusaContainer, now?: unknown): Promise<WebhookRetryRun> {
  const at = now instanceof Date ? now : new Date()
  const logger = container.resolve(ContainerRegistrationKeys.LOGGER)
  const settings = usdtGatewayIn(container)
  const run: WebhookRetryRun = { processed: 0, settled: 0 }
  if (!settings) return run
  try {
    const rows = await settings.listDeliveriesToProcess({ receivedBefore: new Date(at.getTime() - RETRY_AFTER_MS), maxAttempts: MAX_ATTEMPTS, limit: MAX_PER_RUN })
    await Promise.all(
      rows.map(async (row) => {
        if (!(await settings.claimWebhookDelivery(row.id))) return
        run.processed++
        const after = await processDelivery(container, row.id, { attempts: 1 })
        if (after && after.outcome !== "retry") run.settled++
      })
    )
    if (run.processed > 0) logger.info(`USDT webhook retry: processed ${run.processed} deliveries, ${run.settled} settled`)
  } catch (error) {
    logger.error(`USDT webhook retry failed: ${error instanceof Error ? error.message : String(error)}`)
  }
  return run
}

export const config = {
  name: "usdt-webhook-retry",
  schedule: "* * * * *",
}
