/**
 * Wires the Shopify app: PostgreSQL (own tables migrated at start-up, sessions in Shopify's
 * PostgreSQL session storage), Redis queues, the Shopify library, the gateway clients, then the
 * HTTP server with each feature's routes, and (unless turned off) the job workers. #11's features
 * add their own `register…Routes(router, ctx)` here.
 */
import { PostgreSQLSessionStorage } from "@shopify/shopify-app-session-storage-postgresql"
import { Redis } from "ioredis"
import type { ShopifyAppConfig } from "./config"
import type { AppContext } from "./context"
import { migrate } from "./db/migrations"
import { createPool } from "./db/pool"
import { redisWindowStore } from "../payments/redis-window-store"
import { createGatewayDirectory } from "./gateways"
import { createRouter, type Router } from "./http/router"
import { listen } from "./http/server"
import { createLogger } from "./log"
import { createOfflineTokens } from "./offline-tokens"
import { createPaymentsAppsApi } from "./payments-apps-api"
import { createQueues } from "./queues/queues"
import { createReconcileScheduler, startReconcileWorker } from "./reconcile/schedule"
import { type RunningWorkers, startWorkers } from "./queues/workers"
import { registerAuthRoutes } from "./routes/auth"
import { registerGatewayWebhookRoutes } from "./routes/gateway-webhook"
import { registerMerchantRoutes } from "./routes/merchant"
import { registerPaymentSessionRoutes } from "./routes/payment-sessions"
import { registerRefundSessionRoutes } from "./routes/refund-sessions"
import { registerReturnRoutes } from "./routes/return"
import { registerShopifyWebhookRoutes } from "./routes/shopify-webhooks"
import { createShopifyApi } from "./shopify-api"
import { encryptedSessionStorage, widenTokenColumns } from "./session-storage"
import { createPaymentSessionStore } from "./store/payment-sessions"
import { createRefundSessionStore } from "./store/refund-sessions"
import { createShopStore } from "./store/shops"

export const SESSION_TABLE = "shopify_sessions"

export interface StartOptions {
  quiet?: boolean
  /** Serve HTTP (default true); false runs the workers alone. */
  http?: boolean
}

export interface RunningApp {
  url: string
  ctx: AppContext
  close(): Promise<void>
}

function redisConnection(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: null })
}

/**
 * The gateway budget's own connection: a call made while it connects waits for it, but once
 * Redis is away a call fails after one retry (the budget then counts in this process until Redis
 * is back) instead of waiting like the job queues' connection.
 */
function budgetConnection(url: string): Redis {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 })
  redis.on("error", () => undefined)
  return redis
}

export async function createContext(config: ShopifyAppConfig, quiet = false): Promise<{ ctx: AppContext; connection: Redis; close(): Promise<void> }> {
  const log = createLogger("shopify", quiet)
  const pool = createPool(config.databaseUrl, log.warn)
  await migrate(pool)
  const storage = new PostgreSQLSessionStorage(config.databaseUrl, { sessionTableName: SESSION_TABLE })
  await storage.ready
  await widenTokenColumns(pool, SESSION_TABLE)
  const sessions = encryptedSessionStorage(storage, config.encryptionKey)
  const { api, fetch } = createShopifyApi(config)
  const tokens = createOfflineTokens(api, sessions)
  const shops = createShopStore(pool, config.encryptionKey)
  const connection = redisConnection(config.redisUrl)
  const queues = createQueues(connection, config.queues)
  const budgetRedis = budgetConnection(config.redisUrl)
  // Every app process and worker draws on one budget per merchant, kept in Redis.
  const gateways = createGatewayDirectory(shops, config.gatewayUrl, config.gatewayRateLimit, (key) =>
    redisWindowStore(budgetRedis, { key, onFallback: () => log.warn("gateway budget: Redis unreachable, counting requests in this process until it is back") })
  )
  const ctx: AppContext = {
    config,
    pool,
    shops,
    payments: createPaymentSessionStore(pool),
    refunds: createRefundSessionStore(pool),
    shopify: api,
    sessions,
    tokens,
    paymentsApps: createPaymentsAppsApi({ apiVersion: config.apiVersion, fetch, tokens }),
    gateways,
    queues,
    log,
    reconcile: createReconcileScheduler(connection, config.queues.prefix, config.reconcile),
  }
  return {
    ctx,
    connection,
    async close() {
      await queues.close()
      await ctx.reconcile?.close()
      await gateways.close()
      await storage.disconnect()
      await pool.end()
      connection.disconnect()
      budgetRedis.disconnect()
    },
  }
}

export function buildRouter(ctx: AppContext): Router {
  const router = createRouter()
  registerAuthRoutes(router, ctx)
  registerPaymentSessionRoutes(router, ctx)
  registerRefundSessionRoutes(router, ctx)
  registerGatewayWebhookRoutes(router, ctx)
  registerReturnRoutes(router, ctx)
  registerShopifyWebhookRoutes(router, ctx)
  registerMerchantRoutes(router, ctx)
  router.add("GET", "/health", async () => ({ status: 200, body: { ok: true } }))
  return router
}

export async function startShopifyApp(config: ShopifyAppConfig, options: StartOptions = {}): Promise<RunningApp> {
  const { ctx, connection, close } = await createContext(config, options.quiet)
  let workers: RunningWorkers | undefined
  if (config.queues.workers) workers = startWorkers(ctx, connection, { prefix: config.queues.prefix, lockMs: config.queues.lockMs })
  const reconciler = config.queues.workers ? startReconcileWorker(ctx, connection, config.queues.prefix, config.reconcile.lookbackMs) : undefined
  const server = options.http === false ? undefined : await listen(buildRouter(ctx), { port: config.port, onError: ctx.log.warn, tls: config.tls })
  if (server) ctx.log.info(`listening on ${server.url} (public URL ${config.appUrl})`)
  // Shopify signs nothing on the session requests: without mTLS anyone who can reach the app can send one.
  if (server && config.sessionAuth === "none") ctx.log.warn("SHOPIFY_MTLS_CA is not set: payment and refund session requests are not authenticated (development only; NODE_ENV=production refuses to start so)")
  return {
    url: server?.url ?? "",
    ctx,
    async close() {
      await server?.close()
      await workers?.close()
      await reconciler?.close()
      await close()
    },
  }
}
