/**
 * What the storefront may put in a USDT payment session's `data`: `success_url` and
 * `cancel_url`, each an http(s) URL on one of the store's own storefront origins. Everything
 * else in session data is the provider's (checkout, amounts, refunds, flags, gateway ids), so
 * a session created with any other field is refused with a 400 naming the fields: nothing the
 * storefront sends can change what the provider records.
 */
import { MedusaError } from "@medusajs/framework/utils"

/** Fields the storefront may set. `session_id` is added by Medusa itself. */
export const STOREFRONT_FIELDS = ["success_url", "cancel_url"] as const
const MEDUSA_FIELDS = new Set(["session_id"])

export interface StorefrontUrls {
  successUrl?: string
  cancelUrl?: string
}

/** An allowed origin: an exact origin, or a `/regex/` as Medusa's CORS settings allow. */
export type OriginRule = string | RegExp

/** Parses a comma-separated CORS setting (`http://a,/\.example\.com$/`) into rules. */
export function originRules(entries: readonly string[] | string | undefined): OriginRule[] {
  const list = typeof entries === "string" ? entries.split(",") : [...(entries ?? [])]
  return list
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      if (entry.length > 2 && entry.startsWith("/") && entry.endsWith("/")) return new RegExp(entry.slice(1, -1))
      try {
        return new URL(entry).origin
      } catch {
        return entry
      }
    })
}

function allowedOrigin(origin: string, rules: readonly OriginRule[]): boolean {
  return rules.some((rule) => (typeof rule === "string" ? rule === origin : rule.test(origin)))
}

function checkUrl(field: string, value: unknown, rules: readonly OriginRule[]): string {
  if (typeof value !== "string" || value.length > 2048) throw invalid(`\`${field}\` must be an http(s) URL of the storefront`)
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw invalid(`\`${field}\` must be an absolute http(s) URL of the storefront`)
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw invalid(`\`${field}\` must be an http(s) URL of the storefront`)
  if (!allowedOrigin(url.origin, rules)) {
    throw invalid(
      `\`${field}\` must lead back to the storefront: ${url.origin} is not one of the store's storefront origins ` +
        "(the provider option storefrontOrigins, by default the store's CORS origins)"
    )
  }
  return url.toString()
}

function invalid(message: string): MedusaError {
  return new MedusaError(MedusaError.Types.INVALID_DATA, `USDT payment session data: ${message}`, "usdt_invalid_session_data")
}

/**
 * Reads the storefront's fields of a new session. `strict` (a new session) refuses any other
 * field; otherwise (an update, which hands back the whole stored data) the others are ignored.
 */
export function readStorefrontUrls(data: Record<string, unknown>, rules: readonly OriginRule[], strict: boolean): StorefrontUrls {
  const allowed = new Set<string>(STOREFRONT_FIELDS)
  if (strict) {
    const refused = Object.keys(data).filter((key) => !allowed.has(key) && !MEDUSA_FIELDS.has(key))
    if (refused.length > 0) {
      throw invalid(
        `only ${STOREFRONT_FIELDS.join(" and ")} may be sent by the storefront; not accepted: ${refused.slice(0, 10).join(", ")}`
      )
    }
  }
  const urls: StorefrontUrls = {}
  if (data.success_url !== undefined && data.success_url !== null) urls.successUrl = checkUrl("success_url", data.success_url, rules)
  if (data.cancel_url !== undefined && data.cancel_url !== null) urls.cancelUrl = checkUrl("cancel_url", data.cancel_url, rules)
  return urls
}

/**
 * The origins a storefront URL may have: the option `storefrontOrigins`, else the store's CORS
 * origins; the configured `successUrl` / `cancelUrl` are always allowed.
 */
export function storefrontOriginRules(
  options: { storefrontOrigins?: string[]; successUrl?: string; cancelUrl?: string },
  storeCors: string | undefined
): OriginRule[] {
  const configured = [options.successUrl, options.cancelUrl].filter((url): url is string => Boolean(url))
  return [...originRules(options.storefrontOrigins ?? storeCors), ...originRules(configured)]
}
