/**
 * The USDT payment provider's options: one zod schema (the single source of their types), a doc
 * comment per option, and `validateUsdtOptions`, which refuses at load time a configuration
 * that cannot work, naming every offending option and never echoing a secret's value.
 */
import { MedusaError } from "@medusajs/framework/utils"
import { z } from "zod"
import { httpUrl as gatewayHttpUrl, PRODUCTION_BASE_URL } from "../../gateway"

const httpUrl = (hint: string) => gatewayHttpUrl(`must be an absolute http(s) URL ${hint}`)

const secret = (what: string) =>
  z.string({ error: `is required: ${what}` }).trim().min(1, { error: `is required: ${what}` })

export const usdtOptionsSchema = z.object({
  /** Gateway origin. Default `https://gatenoc.com`; the sandbox gateway is `http://127.0.0.1:<port>`. */
  baseUrl: httpUrl("such as https://gatenoc.com").optional(),
  /** Numeric merchant id from the gateway dashboard (Merchants → your API merchant → Integration). */
  merchantId: z
    .union([z.number().int().positive(), z.string().trim().regex(/^[1-9]\d*$/, { error: "must be the numeric merchant id from the gateway's Integration page" })], {
      error: "must be the numeric merchant id from the gateway's Integration page",
    })
    .optional(),
  /** Payment API key: sent only as `Authorization: Bearer` to the gateway, never stored in session data or logged. */
  apiKey: secret("the payment API key from the gateway's Integration page").optional(),
  /**
   * Webhook secret used to verify the gateway's signed webhooks. While a secret rotates, give a
   * list (current first): a webhook signed with any of them is accepted.
   */
  webhookSecret: z
    .union([secret("the webhook secret"), z.array(secret("the webhook secret")).min(1)], {
      error: "must be the webhook secret (or a non-empty list of them while one rotates)",
    })
    .optional(),
  /** Largest accepted distance, in seconds, between a webhook's timestamp and the server clock. Default 300. */
  webhookToleranceSeconds: z.number().int().positive().max(3600).optional(),
  /**
   * The store backend's public URL, as the gateway reaches it. The checkout's `notify_url` is
   * `${backendUrl}/hooks/usdt`.
   */
  backendUrl: httpUrl("that the gateway can reach, such as https://api.example-store.com"),
  /** Where the gateway sends the shopper after paying, unless the storefront passes its own `success_url`. */
  successUrl: httpUrl("for the storefront's order-confirmation page").optional(),
  /** Where the storefront's "back to the store" link should lead (returned in session data as `cancel_url`). */
  cancelUrl: httpUrl("for the storefront's checkout page").optional(),
  /**
   * Origins the storefront's `success_url` / `cancel_url` may point at (exact origins, or
   * `/regex/` strings as in Medusa's CORS settings). Default: the store's CORS origins
   * (`projectConfig.http.storeCors`) plus the origins of `successUrl` and `cancelUrl`.
   */
  storefrontOrigins: z.array(z.string().trim().min(1)).optional(),
  /** Gateway checkouts one cart may open in an hour; past that the storefront gets a 429. Default 10. */
  maxCheckoutsPerCartPerHour: z.number().int().positive().max(1000).optional(),
  /**
   * USDT session requests (`POST /store/payment-collections/:id/payment-sessions`) one cart may
   * make in a minute, whether or not they open a checkout; past that the storefront gets a 429,
   * answered after a one-second hold so a loop cannot spin on cheap refusals. Default 10.
   */
  sessionRequestsPerCartPerMinute: z.number().int().positive().max(1000).optional(),
  /**
   * Allows a plain-http `baseUrl` saved in the admin when it is a loopback address (the local
   * sandbox gateway of the demo and the tests). Off by default: the gateway must be https.
   */
  allowInsecureGatewayUrl: z.boolean().optional(),
  /** Days the webhook delivery log keeps a row; the scheduled job prunes older ones. Default 30. */
  deliveryLogRetentionDays: z.number().int().positive().max(3650).optional(),
  /**
   * A storefront poll (`POST /store/carts/:id/complete` while the checkout is unpaid) asks the
   * gateway at most once per session per this many ms; between those it answers from the
   * session data. Default 15 000.
   */
  storefrontPollIntervalMs: z.number().int().nonnegative().optional(),
  /** Gateway HTTP tuning; the defaults suit production. Tests shorten them. */
  http: z
    .object({
      /** Time allowed for an answer, in ms. Default 15 000. */
      requestTimeoutMs: z.number().int().positive().optional(),
      /** Retries of idempotent calls after 5xx/network errors. Default 3. */
      maxRetries: z.number().int().nonnegative().optional(),
      /** Backoff base in ms between those retries. Default 250. */
      retryBaseDelayMs: z.number().nonnegative().optional(),
      /** How many 429s one call waits out before the error reaches the person who acted. Default 2. */
      maxRateLimitRetries: z.number().int().nonnegative().optional(),
      /** Longest single 429 wait, in ms. Default 10 000. */
      maxRateLimitWaitMs: z.number().nonnegative().optional(),
      /** The merchant's request budget the pacer keeps to: `limit` calls per `windowMs`. Default 120 per 60 000 ms. */
      rateLimit: z.object({ limit: z.number().int().positive(), windowMs: z.number().int().positive() }).optional(),
    })
    .optional(),
}).superRefine((options, ctx) => {
  // The credentials come either from these options (all three) or from the admin's settings
  // page (none here): a partial set is a configuration mistake.
  const given = { merchantId: options.merchantId, apiKey: options.apiKey, webhookSecret: options.webhookSecret }
  const present = Object.entries(given).filter(([, value]) => value !== undefined)
  if (present.length === 0 || present.length === 3) return
  for (const [name, value] of Object.entries(given)) {
    if (value === undefined) {
      ctx.addIssue({
        code: "custom",
        path: [name],
        message: `is required with ${present.map(([n]) => `\`${n}\``).join(" and ")} (or leave all three out and save them in Admin → Settings → USDT Gateway)`,
      })
    }
  }
})

export type UsdtProviderOptions = z.infer<typeof usdtOptionsSchema>

/** Same check, returning the problems instead of throwing (used by the webhook route too). */
export function parseUsdtOptions(
  options: unknown
): { ok: true; options: UsdtProviderOptions } | { ok: false; problems: string[] } {
  const parsed = usdtOptionsSchema.safeParse(options ?? {})
  if (parsed.success) return { ok: true, options: parsed.data }
  const problems = parsed.error.issues.map((issue) => {
    const name = issue.path.map(String).join(".") || "options"
    return `\`${name}\` ${issue.message}`
  })
  return { ok: false, problems }
}

/** Throws a MedusaError naming every option that makes the configuration unusable. */
export function validateUsdtOptions(options: unknown): UsdtProviderOptions {
  const result = parseUsdtOptions(options)
  if (!result.ok) {
    throw new MedusaError(
      MedusaError.Types.INVALID_DATA,
      `USDT payment provider (pp_usdt_*): invalid options: ${result.problems.join("; ")}`
    )
  }
  return result.options
}

export function gatewayBaseUrl(options: Pick<UsdtProviderOptions, "baseUrl">): string {
  return new URL(options.baseUrl ?? PRODUCTION_BASE_URL).origin
}

export function webhookSecretsOf(options: Pick<UsdtProviderOptions, "webhookSecret">): string[] {
  if (options.webhookSecret === undefined) return []
  return typeof options.webhookSecret === "string" ? [options.webhookSecret] : [...options.webhookSecret]
}

/** The path of this plugin's webhook route, and the notify_url every checkout carries. */
export const USDT_WEBHOOK_PATH = "/hooks/usdt"

export const DEFAULT_MAX_CHECKOUTS_PER_CART_PER_HOUR = 10
export const DEFAULT_SESSION_REQUESTS_PER_CART_PER_MINUTE = 10
export const DEFAULT_DELIVERY_LOG_RETENTION_DAYS = 30

export function notifyUrlOf(options: Pick<UsdtProviderOptions, "backendUrl">): string {
  return `${options.backendUrl.replace(/\/+$/, "")}${USDT_WEBHOOK_PATH}`
}
