/**
 * Consumers: one bullmq Worker per queue, each calling its plain processor function. A job
 * whose worker died is found stalled after `lockMs` and run again; the processors are
 * idempotent, so a second run finishes what the first began and never settles twice.
 */
import { type Job, Worker } from "bullmq"
import type { Redis } from "ioredis"
import type { AppContext } from "../context"
import { checkExpiry } from "../jobs/check-expiry"
import { processRefund } from "../jobs/refund"
import { settlePayment } from "../jobs/settle-payment"
import { type JobData, QUEUES } from "./names"

export interface WorkerOptions {
  prefix: string
  lockMs: number
  concurrency?: number
}

export function startWorkers(ctx: AppContext, connection: Redis, options: WorkerOptions) {
  const common = {
    connection,
    prefix: options.prefix,
    concurrency: options.concurrency ?? 10,
    lockDuration: options.lockMs,
    stalledInterval: Math.max(250, Math.floor(options.lockMs / 2)),
  }
  const onFailed = (job: Job | undefined, error: Error) => {
    if (job) ctx.log.warn(`job ${job.id} attempt ${job.attemptsMade} failed: ${error.message}`)
  }
  const workers = [
    new Worker<JobData["settlePayment"]>(QUEUES.settlePayment, (job) => settlePayment(ctx, job.data), common),
    new Worker<JobData["refund"]>(QUEUES.refund, (job) => processRefund(ctx, job.data), common),
    new Worker<JobData["checkExpiry"]>(QUEUES.checkExpiry, (job) => checkExpiry(ctx, job.data), common),
  ]
  for (const worker of workers) {
    worker.on("failed", onFailed)
    // A lost lock or a Redis hiccup is reported here; unheard, an EventEmitter "error" would throw.
    worker.on("error", (error) => ctx.log.warn(`worker ${worker.name}: ${error.message}`))
  }
  return {
    workers,
    async close(): Promise<void> {
      await Promise.all(workers.map((worker) => worker.close()))
    },
  }
}

export type RunningWorkers = ReturnType<typeof startWorkers>
