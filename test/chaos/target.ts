/**
 * What the chaos runner needs from a store under test. The runner owns the sandbox gateway and
 * the shoppers; a target owns its store (the Medusa provider today; the Shopify app and its
 * stand-in next) and answers in the store's own terms. Adding a target = one file that
 * implements this and one entry in TARGETS (test/chaos/run.ts).
 */
import type { StoreFacts } from "./tally"

export interface ChaosCheckout {
  /** The store's own handle (a Medusa cart id). */
  ref: string
  /** What the gateway payment's `note` will be, to find it at the gateway. */
  note: string
  checkoutUrl: string
}

export interface RefundAnswer {
  ok: boolean
  status: number
  message?: string
}

export interface ChaosTarget {
  name: string
  /** A shopper's checkout up to the gateway's hosted page. Throws when the store refuses. */
  openCheckout(): Promise<ChaosCheckout>
  /** One poll of the storefront's "complete": true once the order exists. */
  pollComplete(ref: string): Promise<boolean>
  /** The admin refunds `cents` of the checkout's payment. */
  refund(ref: string, cents: number): Promise<RefundAnswer>
  /**
   * Waits until the store has processed the webhook deliveries it acknowledged (a store that
   * answers before it processes); absent when its answer already means processed.
   */
  processed?(timeoutMs: number): Promise<void>
  /** One reconciliation run over the range; throws when it does not finish. */
  reconcile(from: Date, to: Date): Promise<string>
  facts(ref: string): Promise<StoreFacts>
  stop(): Promise<void>
}

export interface TargetOptions {
  gatewayUrl: string
  merchant: { id: number; apiKey: string; webhookSecret: string }
  /** Where the store's log goes. */
  logDir: string
  /** App instances behind one load balancer (`--instances`; a target without scale-out refuses more than 1). */
  instances: number
  /** `--crash`: SIGKILL a worker mid-job during the run (a target without workers refuses it). */
  crash: boolean
  /** The gateway budget the store paces itself on (default: the target's own, TargetSpec.gatewayBudget). */
  gatewayBudget?: { limit: number; windowMs: number }
  /** No faults on the store's side either (benchmarks); the runner's gateway faults are its own. */
  calm?: boolean
}

export type StartTarget = (options: TargetOptions) => Promise<ChaosTarget>

/** A target and how the runner sets the gateway up for it. */
export interface TargetSpec {
  start: StartTarget
  /**
   * The sandbox's per-merchant request budget, when the target paces itself on one (its client
   * is given the same budget): every 429 the budget itself answers is then counted, and any
   * fails the run. Injected 429s (the faults) are not counted.
   */
  gatewayBudget?: { limit: number; windowMs: number }
  /** Where its logs go, under the log directory (for the report). */
  logs: string
}
