/**
 * One reconciliation run inside Medusa, whoever starts it (the scheduled job, the admin API,
 * the command line): take the run lock, choose the window (a person's range, or the scheduled
 * window from the high-water mark), record the run, let the engine read the gateway and settle
 * through the completion path, store the summary, and move the mark after a scheduled run that
 * read every page.
 *
 * The run has its own gateway client, for its own counters and a patient retry policy, on the
 * merchant's shared pacer: checkout and reconciliation draw on one request budget.
 */
import type { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, Modules } from "@medusajs/framework/utils"
import { createGatewayClient } from "../gateway"
import { USDT_GATEWAY_MODULE, type UsdtGatewayModuleService } from "../modules/usdt-gateway"
import type { ReconciliationRunRecord } from "../modules/usdt-gateway/types"
import { resolveUsdtDeliveryContext } from "../providers/usdt/delivery-context"
import { reconcile } from "./engine"
import { acquireRunLock, type RunLock } from "./lock"
import { medusaExpiry } from "./medusa-expiry"
import { medusaSettler } from "./medusa-settle"
import { reconcileSettingsFromEnv } from "./settings"
import { describeSummary } from "./summary"
import type { PageProgress, ReconcileSummary } from "./types"
import { nextHighWaterMark, requestedWindow, scheduledWindow } from "./window"

export type ReconcileTrigger = "schedule" | "admin" | "cli"

export interface ReconcileRunRequest {
  trigger: ReconcileTrigger
  /** A person's range (API, CLI); without it, the scheduled window from the high-water mark. */
  range?: { from: Date; to: Date }
  /** After each page (the CLI prints a progress line). */
  onPage?: (progress: PageProgress) => void
  /** Clock, for tests. */
  now?: () => number
  env?: NodeJS.ProcessEnv
}

export interface ReconcileRunResult {
  run: ReconciliationRunRecord
  summary: ReconcileSummary
  /** The new high-water mark, when this run moved it. */
  high_water_mark: string | null
}

/** Retry policy of the run's own client: a background job can wait longer than a shopper. */
const RUN_CLIENT_RETRIES = { maxRetries: 6, maxRateLimitRetries: 10, maxRateLimitWaitMs: 120_000 }

/** The discrepancies as stored on the run: the listed ones, then one entry counting those left out. */
export function storedDiscrepancies(summary: ReconcileSummary): Record<string, unknown>[] {
  const listed: Record<string, unknown>[] = summary.discrepancies.map((discrepancy) => ({ ...discrepancy }))
  const total = Object.values(summary.discrepancy_counts).reduce((sum, count) => sum + count, 0)
  if (total > listed.length) listed.push({ kind: "truncated", omitted: total - listed.length, counts: { ...summary.discrepancy_counts } })
  return listed
}

function failureText(summary: ReconcileSummary): string | null {
  if (!summary.complete) return summary.error ?? "the run stopped before reading every page"
  if (summary.failed === 0) return null
  const first = summary.failures.map((failure) => (failure.gateway_payment_id ? `payment ${failure.gateway_payment_id}: ` : "") + failure.message)
  return `${summary.failed} could not be settled and will be retried by the next run: ${first.slice(0, 3).join("; ")}`
}

/** Runs left `running` by a process that stopped: whoever holds the lock knows they are over. */
async function closeInterruptedRuns(runs: UsdtGatewayModuleService, now: number): Promise<void> {
  const recent = await runs.listReconciliationRuns({ limit: 20 })
  for (const run of recent.items.filter((item) => item.status === "running")) {
    await runs.updateReconciliationRun(run.id, {
      status: "failed",
      finished_at: new Date(now),
      error: "interrupted: the process running it stopped before it ended",
    })
  }
}

export async function runUsdtReconciliation(container: MedusaContainer, request: ReconcileRunRequest): Promise<ReconcileRunResult> {
  const now = request.now ?? Date.now
  const settings = reconcileSettingsFromEnv(request.env)
  const logger = container.resolve(ContainerRegistrationKeys.LOGGER)
  // Resolved once for the run: every completion it makes uses these credentials and this client.
  const delivery = await resolveUsdtDeliveryContext(container)
  const { providerId, options, credentials } = delivery
  const runs = container.resolve<UsdtGatewayModuleService>(USDT_GATEWAY_MODULE)
  const client = createGatewayClient({
    baseUrl: credentials.baseUrl,
    merchantId: credentials.merchantId,
    apiKey: credentials.apiKey,
    requestTimeoutMs: options.http?.requestTimeoutMs,
    retryBaseDelayMs: options.http?.retryBaseDelayMs,
    ...(options.http?.rateLimit ? { rateLimit: options.http.rateLimit } : {}),
    ...RUN_CLIENT_RETRIES,
  })
  let lock: RunLock | undefined
  let recordId: string | undefined
  try {
    lock = await acquireRunLock(container.resolve(Modules.LOCKING), { leaseSeconds: settings.lockSeconds, now })
    const held = lock
    await closeInterruptedRuns(runs, now())
    const window = request.range
      ? requestedWindow(request.range, now())
      : scheduledWindow(await runs.getReconcileHighWaterMark(), now(), settings)
    const record = await runs.startReconciliationRun({ window_from: window.from, window_to: window.to, started_at: new Date(now()) })
    recordId = record.id
    logger.info(`USDT reconcile (${request.trigger}) started: run ${record.id}, window ${window.from.toISOString()} → ${window.to.toISOString()}`)
    const summary = await reconcile({
      source: client,
      counters: client.stats,
      window,
      settlePage: medusaSettler(container, {
        delivery,
        concurrency: settings.concurrency,
        beforeSettle: () => held.renew(),
      }),
      expiry: medusaExpiry(container, { providerId, window, graceMs: settings.expiryGraceMs, now }),
      onPage: async (progress) => {
        await held.renew()
        request.onPage?.(progress)
      },
      now,
    })
    const mark = request.range ? null : nextHighWaterMark(window, summary, settings.retryPinMs)
    if (mark) await runs.setReconcileHighWaterMark(mark)
    const error = failureText(summary)
    const run = await runs.updateReconciliationRun(record.id, {
      status: error ? "failed" : "succeeded",
      finished_at: new Date(now()),
      pages: summary.pages,
      payments_seen: summary.payments_seen,
      healed: summary.healed,
      expired: summary.expired,
      discrepancies: storedDiscrepancies(summary),
      duration_ms: summary.duration_ms,
      requests: summary.requests,
      rate_limited: summary.rate_limited,
      error,
    })
    const line = `USDT reconcile (${request.trigger}) run ${record.id} ${error ? "ended with problems" : "succeeded"}: ${describeSummary(summary)}`
    if (error) logger.warn(line)
    else logger.info(line)
    return { run, summary, high_water_mark: mark ? mark.toISOString() : null }
  } catch (error) {
    // The run record must not stay `running` after a failure outside the engine.
    if (recordId) {
      const message = error instanceof Error ? error.message : String(error)
      await runs.updateReconciliationRun(recordId, { status: "failed", finished_at: new Date(now()), error: message }).catch(() => undefined)
    }
    throw error
  } finally {
    await client.close()
    await lock?.release()
  }
}
