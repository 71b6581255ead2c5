/**
 * Producers: one bullmq Queue per name, with the retry policy as job options. Exponential
 * backoff from `retryBaseMs` (5 s by default): 16 attempts span about 45 hours, because Shopify
 * asks the app to keep retrying its mutations. Finished jobs are kept a while so that a repeat
 * of the same job id (a replayed webhook) stays a no-op.
 */
import { type JobsOptions, Queue } from "bullmq"
import type { Redis } from "ioredis"
import { type JobData, jobIdOf, type QueueKey, QUEUES } from "./names"

export interface QueuePolicy {
  prefix: string
  retryBaseMs: number
  attempts: number
}

export function jobOptions(policy: QueuePolicy, delayMs = 0): JobsOptions {
  return {
    attempts: policy.attempts,
    backoff: { type: "exponential", delay: policy.retryBaseMs },
    delay: delayMs,
    removeOnComplete: { age: 24 * 3600, count: 10_000 },
    removeOnFail: { age: 7 * 24 * 3600 },
  }
}

export function createQueues(connection: Redis, policy: QueuePolicy) {
  const queues = {
    settlePayment: new Queue(QUEUES.settlePayment, { connection, prefix: policy.prefix }),
    refund: new Queue(QUEUES.refund, { connection, prefix: policy.prefix }),
    checkExpiry: new Queue(QUEUES.checkExpiry, { connection, prefix: policy.prefix }),
  } satisfies Record<QueueKey, Queue>

  return {
    /** Adds the session's job unless one with its id exists already. */
    async add<K extends QueueKey>(key: K, data: JobData[K], options: { delayMs?: number } = {}): Promise<void> {
      await queues[key].add(key, data, { ...jobOptions(policy, options.delayMs), jobId: jobIdOf(key, data) })
    },
    all: queues,
    async close(): Promise<void> {
      await Promise.all(Object.values(queues).map((queue) => queue.close()))
    },
  }
}

export type Queues = ReturnType<typeof createQueues>
