/**
 * What every handler of the sandbox works with, assembled once per running sandbox.
 */
import { createDialectSwitches, type DialectSwitches } from "./dialects"
import { createFaultSwitches, type FaultSwitches } from "./faults"
import { createIdempotencyCache, type IdempotencyCache } from "./idempotency"
import { createLogger, type Logger } from "./log"
import type { ResolvedOptions } from "./options"
import { createRateLimiter, type RateLimiter } from "./rate-limit"
import { createRequestLog, type RequestLog } from "./request-log"
import { createStore, type SandboxStore } from "./store"
import { createTimerGroup, type TimerGroup } from "./timers"
import { createWebhookDispatcher, type WebhookDispatcher } from "./webhook"

export interface SandboxContext {
  readonly options: ResolvedOptions
  /** The sandbox's own origin, e.g. http://127.0.0.1:40123; known once it listens. */
  baseUrl: string
  readonly now: () => number
  readonly store: SandboxStore
  readonly webhooks: WebhookDispatcher
  readonly faults: FaultSwitches
  /** How the sandbox speaks where the page is silent (dialects.ts). */
  readonly dialects: DialectSwitches
  readonly rateLimiter: RateLimiter
  readonly idempotency: IdempotencyCache
  readonly requests: RequestLog
  /** Timers of the HTTP side (latency faults), cancelled on stop. */
  readonly timers: TimerGroup
  readonly log: Logger
  /** Every API key and webhook secret: redacted from every answer and log line. */
  readonly secrets: readonly string[]
}

export function createContext(options: ResolvedOptions, now: () => number): SandboxContext {
  const secrets = options.merchants.flatMap((merchant) => [merchant.apiKey, merchant.webhookSecret])
  const log = createLogger(options.quiet, secrets)
  const store = createStore(options.merchants.map((merchant) => ({ ...merchant })))
  const faults = createFaultSwitches()
  const dialects = createDialectSwitches()
  return {
    options,
    baseUrl: "",
    now,
    store,
    faults,
    dialects,
    webhooks: createWebhookDispatcher({
      policy: options.webhookRetry,
      faults,
      dialects,
      merchant: (id) => store.merchants.get(id),
      now,
      log,
    }),
    rateLimiter: createRateLimiter(options.rateLimit, now),
    idempotency: createIdempotencyCache(now),
    requests: createRequestLog(),
    timers: createTimerGroup(),
    log,
    secrets,
  }
}

/** POST /__sandbox/reset: payments, deliveries, request log, idempotency, rate windows, faults, dialects. */
export function resetContext(context: SandboxContext): void {
  context.store.reset()
  context.webhooks.reset()
  context.requests.reset()
  context.idempotency.reset()
  context.rateLimiter.reset()
  context.faults.clear()
  context.dialects.clear()
}
