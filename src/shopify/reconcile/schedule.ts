/**
 * The per-shop reconciliation on bullmq: one job scheduler per shop (`reconcile-{shop}`,
 * repeating every SHOPIFY_RECONCILE_EVERY_MS), added when the shop saves gateway credentials and
 * removed when it removes them or uninstalls. One worker runs the shop's job; a shop's runs
 * never overlap (one scheduler per shop, worker concurrency per job id).
 */
import { Queue, Worker } from "bullmq"
import type { Redis } from "ioredis"
import type { AppContext } from "../context"
import { reconcileShop } from "./run"

export const RECONCILE_QUEUE = "shopify-reconcile"

export interface ReconcileTiming {
  everyMs: number
  lookbackMs: number
}

const schedulerId = (shop: string) => `reconcile-${shop}`

export function createReconcileScheduler(connection: Redis, prefix: string, timing: ReconcileTiming) {
  const queue = new Queue<{ shop: string }>(RECONCILE_QUEUE, { connection, prefix })
  return {
    timing,
    queue,
    async schedule(shop: string): Promise<void> {
      await queue.upsertJobScheduler(schedulerId(shop), { every: timing.everyMs }, { name: "reconcile", data: { shop }, opts: { removeOnComplete: 50, removeOnFail: 50 } })
    },
    async unschedule(shop: string): Promise<void> {
      await queue.removeJobScheduler(schedulerId(shop))
    },
    async isScheduled(shop: string): Promise<boolean> {
      return Boolean(await queue.getJobScheduler(schedulerId(shop)))
    },
    close: () => queue.close(),
  }
}

export type ReconcileScheduler = ReturnType<typeof createReconcileScheduler>

export function startReconcileWorker(ctx: AppContext, connection: Redis, prefix: string, lookbackMs: number): Worker<{ shop: string }> {
  const worker = new Worker<{ shop: string }>(
    RECONCILE_QUEUE,
    async (job) => {
      const outcome = await reconcileShop(ctx, job.data.shop, lookbackMs)
      return outcome.ran ? { healed: outcome.summary.healed, seen: outcome.summary.payments_seen, error: outcome.summary.error ?? null } : { skipped: outcome.why }
    },
    { connection, prefix, concurrency: 2 }
  )
  worker.on("failed", (job, error) => ctx.log.warn(`reconcile ${job?.data.shop ?? "?"} failed: ${error.message}`))
  return worker
}
