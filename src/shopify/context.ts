/** Everything a route or a job processor needs, built once by the app (app.ts) and passed in. */
import type { Pool } from "pg"
import type { ShopifyAppConfig } from "./config"
import type { GatewayDirectory } from "./gateways"
import type { Logger } from "./log"
import type { OfflineTokens, SessionStorage } from "./offline-tokens"
import type { PaymentsAppsApi } from "./payments-apps-api"
import type { Queues } from "./queues/queues"
import type { ReconcileScheduler } from "./reconcile/schedule"
import type { ShopifyApi } from "./shopify-api"
import type { PaymentSessionStore } from "./store/payment-sessions"
import type { RefundSessionStore } from "./store/refund-sessions"
import type { ShopStore } from "./store/shops"

export interface AppContext {
  config: ShopifyAppConfig
  pool: Pool
  shops: ShopStore
  payments: PaymentSessionStore
  refunds: RefundSessionStore
  shopify: ShopifyApi
  sessions: SessionStorage
  tokens: OfflineTokens
  paymentsApps: PaymentsAppsApi
  gateways: GatewayDirectory
  queues: Queues
  log: Logger
  /** Per-shop reconciliation schedules (#11). */
  reconcile?: ReconcileScheduler
}
