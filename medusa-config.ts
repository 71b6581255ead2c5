/**
 * The development store: this plugin's USDT payment provider (id "usdt" → pp_usdt_usdt)
 * against the sandbox gateway (`npm run sandbox`), configured from the environment:
 *
 *   USDT_GATEWAY_URL            gateway origin (sandbox: http://127.0.0.1:<port>)
 *   USDT_MERCHANT_ID            numeric merchant id
 *   USDT_API_KEY                payment API key
 *   USDT_WEBHOOK_SECRET         webhook secret; a comma-separated list while one rotates
 *   USDT_WEBHOOK_TOLERANCE_SECONDS  optional, default 300
 *   USDT_BACKEND_URL            this backend's public URL; notify_url = <it>/hooks/usdt
 *   USDT_SUCCESS_URL / USDT_CANCEL_URL  optional storefront pages
 *   USDT_STOREFRONT_ORIGINS     optional, comma-separated: where success_url/cancel_url may lead (default STORE_CORS)
 *   USDT_MAX_CHECKOUTS_PER_CART_PER_HOUR  optional, default 10
 *   USDT_SESSION_REQUESTS_PER_CART_PER_MINUTE  optional, default 10
 *   USDT_ALLOW_INSECURE_GATEWAY_URL=true  lets the admin save a loopback http gateway URL (the sandbox)
 *   USDT_DELIVERY_LOG_RETENTION_DAYS      optional, default 30
 *   USDT_HTTP_*                 optional gateway HTTP tuning (see src/providers/usdt/options.ts);
 *                               USDT_HTTP_RATE_LIMIT + USDT_HTTP_RATE_WINDOW_MS: the merchant's budget
 *   USDT_STOREFRONT_POLL_INTERVAL_MS  optional, default 15000: a storefront poll asks the gateway at
 *                               most once per session per this interval
 *   REDIS_URL                   optional; also shares the gateway budget across instances
 *
 * Running on more than one instance (see README "Production topology"):
 *   REDIS_URL                   Medusa's Redis event bus, workflow engine, cache and locking
 *                               modules: the one-run reconciliation lock and the per-cart
 *                               completion lock then hold across every process on that Redis
 *   MEDUSA_WORKER_MODE          shared (default) | server | worker
 *   MEDUSA_ADMIN_DISABLED       "true" on workers and API-only servers
 *
 * Optional: STRIPE_API_KEY (+ STRIPE_WEBHOOK_SECRET) also offers Medusa's own Stripe provider
 * (pp_stripe_stripe, webhook /hooks/payment/stripe_stripe); the benchmarks compare against it.
 */
import { defineConfig, loadEnv, Modules } from "@medusajs/framework/utils"

loadEnv(process.env.NODE_ENV || "development", process.cwd())

function optionalNumber(name: string): number | undefined {
  const value = process.env[name]
  return value === undefined || value === "" ? undefined : Number(value)
}

const webhookSecrets = (process.env.USDT_WEBHOOK_SECRET ?? "")
  .split(",")
  .map((secret) => secret.trim())
  .filter(Boolean)

const rateLimit = optionalNumber("USDT_HTTP_RATE_LIMIT")
const rateWindowMs = optionalNumber("USDT_HTTP_RATE_WINDOW_MS")

const backendUrl = process.env.USDT_BACKEND_URL || `http://localhost:${process.env.PORT || 9000}`

const redisUrl = process.env.REDIS_URL || undefined

/**
 * With REDIS_URL, the four infrastructure modules that must be shared between instances use
 * Redis (without it Medusa keeps them in memory: fine for one process, wrong for two).
 */
function redisModules(url: string | undefined) {
  if (!url) return []
  return [
    { resolve: "@medusajs/medusa/event-bus-redis", key: Modules.EVENT_BUS, options: { redisUrl: url } },
    { resolve: "@medusajs/medusa/workflow-engine-redis", key: Modules.WORKFLOW_ENGINE, options: { redis: { url } } },
    { resolve: "@medusajs/medusa/cache-redis", key: Modules.CACHE, options: { redisUrl: url } },
    {
      resolve: "@medusajs/medusa/locking",
      key: Modules.LOCKING,
      // waitLockingTimeout: how long a lock taken without a timeout waits (Medusa's default 5 s):
      // the cart completion's inventory reservation is one, and a burst of orders for one product
      // on two instances made it time out (409) after the payment was captured.
      options: {
        providers: [{ resolve: "@medusajs/medusa/locking-redis", id: "locking-redis", is_default: true, options: { redisUrl: url, waitLockingTimeout: 30 } }],
      },
    },
  ]
}

/** Medusa's own Stripe provider, when a Stripe key is given. */
function stripeProviders() {
  if (!process.env.STRIPE_API_KEY) return []
  return [
    {
      resolve: "@medusajs/medusa/payment-stripe",
      id: "stripe",
      options: { apiKey: process.env.STRIPE_API_KEY, webhookSecret: process.env.STRIPE_WEBHOOK_SECRET || undefined },
    },
  ]
}

const workerModes = ["shared", "server", "worker"] as const
const workerMode = workerModes.find((mode) => mode === process.env.MEDUSA_WORKER_MODE) ?? "shared"

const config = defineConfig({
  projectConfig: {
    databaseUrl: process.env.DATABASE_URL,
    redisUrl,
    workerMode,
    http: {
      storeCors: process.env.STORE_CORS || "http://localhost:8000",
      adminCors: process.env.ADMIN_CORS || "http://localhost:9000",
      authCors: process.env.AUTH_CORS || "http://localhost:8000,http://localhost:9000",
      jwtSecret: process.env.JWT_SECRET || "supersecret",
      cookieSecret: process.env.COOKIE_SECRET || "supersecret",
    },
  },
  admin: {
    backendUrl,
    // Tests that run the store as a process need no admin UI (it costs seconds at every start).
    disable: process.env.MEDUSA_ADMIN_DISABLED === "true",
  },
  modules: [
    ...redisModules(redisUrl),
    // Gateway settings saved from the admin (encrypted with USDT_ENCRYPTION_KEY), the webhook
    // delivery log and reconciliation runs. The provider reads the settings at call time.
    { resolve: "./src/modules/usdt-gateway" },
    {
      resolve: "@medusajs/medusa/payment",
      key: Modules.PAYMENT,
      // Lets the USDT provider resolve the usdt_gateway module lazily (falls back to its options).
      dependencies: ["usdt_gateway"],
      options: {
        providers: [
          {
            resolve: "./src/providers/usdt",
            id: "usdt",
            options: {
              baseUrl: process.env.USDT_GATEWAY_URL,
              // Leave these three unset to connect the gateway from Admin → Settings → USDT Gateway.
              merchantId: process.env.USDT_MERCHANT_ID || undefined,
              apiKey: process.env.USDT_API_KEY || undefined,
              webhookSecret: webhookSecrets.length > 1 ? webhookSecrets : webhookSecrets[0],
              webhookToleranceSeconds: optionalNumber("USDT_WEBHOOK_TOLERANCE_SECONDS"),
              backendUrl,
              successUrl: process.env.USDT_SUCCESS_URL || undefined,
              cancelUrl: process.env.USDT_CANCEL_URL || undefined,
              storefrontOrigins: process.env.USDT_STOREFRONT_ORIGINS ? process.env.USDT_STOREFRONT_ORIGINS.split(",") : undefined,
              maxCheckoutsPerCartPerHour: optionalNumber("USDT_MAX_CHECKOUTS_PER_CART_PER_HOUR"),
              sessionRequestsPerCartPerMinute: optionalNumber("USDT_SESSION_REQUESTS_PER_CART_PER_MINUTE"),
              allowInsecureGatewayUrl: process.env.USDT_ALLOW_INSECURE_GATEWAY_URL === "true",
              deliveryLogRetentionDays: optionalNumber("USDT_DELIVERY_LOG_RETENTION_DAYS"),
              storefrontPollIntervalMs: optionalNumber("USDT_STOREFRONT_POLL_INTERVAL_MS"),
              http: {
                requestTimeoutMs: optionalNumber("USDT_HTTP_REQUEST_TIMEOUT_MS"),
                maxRetries: optionalNumber("USDT_HTTP_MAX_RETRIES"),
                retryBaseDelayMs: optionalNumber("USDT_HTTP_RETRY_BASE_DELAY_MS"),
                maxRateLimitRetries: optionalNumber("USDT_HTTP_MAX_RATE_LIMIT_RETRIES"),
                maxRateLimitWaitMs: optionalNumber("USDT_HTTP_MAX_RATE_LIMIT_WAIT_MS"),
                rateLimit: rateLimit === undefined ? undefined : { limit: rateLimit, windowMs: rateWindowMs ?? 60_000 },
              },
            },
          },
          ...stripeProviders(),
        ],
      },
    },
  ],
})

/** defineConfig always adds @medusajs/draft-order; this development store does not install it. */
function installed(name: string): boolean {
  try {
    require.resolve(`${name}/package.json`, { paths: [process.cwd()] })
    return true
  } catch {
    return false
  }
}
config.plugins = (config.plugins ?? []).filter((plugin) => installed(typeof plugin === "string" ? plugin : plugin.resolve))

module.exports = config
