/**
 * THE seam for the gateway credentials. Everything that talks to the gateway or verifies a
 * webhook asks `resolveGatewayCredentials` for them, and `gatewayClientFor` for a client.
 * The credentials saved in the admin (the usdt_gateway module, read once per request, delivery
 * or reconciliation run — see delivery-context.ts — so that a change takes effect without a
 * restart) come first; the provider options are the fallback.
 */
import { createHash } from "node:crypto"
import { MedusaError } from "@medusajs/framework/utils"
import { createGatewayClient, type GatewayClient, type GatewayCredentials } from "../../gateway"
import { readSavedCredentials, type SettingsSource } from "../../modules/usdt-gateway/saved-credentials"
import { closeMerchantBudgets, merchantPacer } from "../../payments/merchant-budget"
import { gatewayBaseUrl, type UsdtProviderOptions, webhookSecretsOf } from "./options"

/** Neither the admin's settings nor the provider options hold credentials yet. */
export class GatewayNotConnectedError extends MedusaError {
  constructor() {
    super(
      MedusaError.Types.NOT_ALLOWED,
      "The USDT gateway is not connected yet: save the merchant id, payment API key and webhook secret in " +
        "Admin → Settings → USDT Gateway (or set merchantId, apiKey and webhookSecret in the provider options).",
      "usdt_not_connected"
    )
  }
}

export type { GatewayCredentials }

/**
 * The effective credentials: those saved in the admin when `source` (the app container, or the
 * payment module's cradle, which sees usdt_gateway through its `dependencies`) reaches the
 * usdt_gateway module and a merchant id and API key are saved there; else the provider options.
 */
export async function resolveGatewayCredentials(options: UsdtProviderOptions, source: SettingsSource): Promise<GatewayCredentials> {
  const saved = await readSavedCredentials(source)
  // A row saved before the admin required a webhook secret may lack one: the options' secrets verify then.
  if (saved) return saved.webhookSecrets.length > 0 ? saved : { ...saved, webhookSecrets: webhookSecretsOf(options) }
  if (options.merchantId === undefined || options.apiKey === undefined) throw new GatewayNotConnectedError()
  return {
    baseUrl: gatewayBaseUrl(options),
    merchantId: String(options.merchantId),
    apiKey: options.apiKey,
    webhookSecrets: webhookSecretsOf(options),
  }
}

type HttpTuning = NonNullable<UsdtProviderOptions["http"]>

const clients = new Map<string, GatewayClient>()

/** Cache key: never the key itself, only a digest of it. */
function cacheKey(credentials: GatewayCredentials, http: HttpTuning): string {
  const digest = createHash("sha256").update(credentials.apiKey).digest("hex").slice(0, 16)
  return JSON.stringify([credentials.baseUrl, credentials.merchantId, digest, http])
}

/**
 * One client (one undici pool, one pacer) per credentials and tuning in this process: a new
 * key, merchant or gateway gets a new client; the same ones reuse it.
 */
export function gatewayClientFor(credentials: GatewayCredentials, http: HttpTuning = {}): GatewayClient {
  const key = cacheKey(credentials, http)
  let client = clients.get(key)
  if (!client) {
    client = createGatewayClient({
      baseUrl: credentials.baseUrl,
      merchantId: credentials.merchantId,
      apiKey: credentials.apiKey,
      requestTimeoutMs: http.requestTimeoutMs,
      maxRetries: http.maxRetries,
      retryBaseDelayMs: http.retryBaseDelayMs,
      maxRateLimitRetries: http.maxRateLimitRetries ?? 2,
      maxRateLimitWaitMs: http.maxRateLimitWaitMs ?? 10_000,
      // One budget per merchant: per process, or across instances through Medusa's REDIS_URL.
      pacer: merchantPacer({
        baseUrl: credentials.baseUrl,
        merchantId: credentials.merchantId,
        rateLimit: http.rateLimit,
        redisUrl: process.env.REDIS_URL || undefined,
        onFallback: () => console.warn("USDT gateway budget: Redis unreachable, counting requests in this process until it is back"),
      }),
    })
    clients.set(key, client)
  }
  return client
}

/** Closes every cached client (tests and shutdown). */
export async function closeGatewayClients(): Promise<void> {
  const all = [...clients.values()]
  clients.clear()
  await Promise.all(all.map((client) => client.close()))
  await closeMerchantBudgets()
}
