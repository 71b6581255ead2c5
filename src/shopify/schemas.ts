/**
 * What Shopify sends the app, checked with zod at the boundary. Amounts are decimal strings
 * (never floats); the cancel URL sits at the top level in older templates and in
 * `payment_method.data` in newer ones. Unknown extra fields are kept, not refused.
 */
import { z } from "zod"

export const SHOP_DOMAIN = /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/

export const shopDomain = z.string().trim().toLowerCase().regex(SHOP_DOMAIN, { error: "must be a {shop}.myshopify.com domain" })

const decimalString = z.string({ error: "must be a decimal string such as \"12.34\"" }).regex(/^\d{1,12}(\.\d{1,4})?$/, { error: "must be a decimal string such as \"12.34\"" })
const currency = z.string().regex(/^[A-Z]{3}$/, { error: "must be an ISO 4217 code such as USD" })
const httpUrl = z.url({ protocol: /^https?$/ })

/** Shopify's headers on payment and refund session requests. */
export const sessionRequestHeaders = z.object({
  "shopify-shop-domain": shopDomain,
  "shopify-request-id": z.string().min(1).max(255).optional(),
  "shopify-api-version": z.string().max(32).optional(),
})

export const paymentSessionRequest = z
  .looseObject({
    id: z.string().min(1).max(255),
    gid: z.string().regex(/^gid:\/\/shopify\/PaymentSession\/.+$/, { error: "must be a gid://shopify/PaymentSession/… id" }),
    group: z.string().optional(),
    session_id: z.string().optional(),
    amount: decimalString,
    currency,
    test: z.boolean().default(false),
    kind: z.enum(["sale", "authorization"]).default("sale"),
    merchant_locale: z.string().optional(),
    proposed_at: z.string().optional(),
    cancel_url: httpUrl.optional(),
    payment_method: z
      .looseObject({ type: z.string().optional(), data: z.looseObject({ cancel_url: httpUrl.optional() }).optional() })
      .optional(),
    customer: z.looseObject({}).optional(),
  })
  .transform((body) => ({ ...body, cancelUrl: body.payment_method?.data?.cancel_url ?? body.cancel_url ?? null }))
export type PaymentSessionRequest = z.infer<typeof paymentSessionRequest>

export const refundSessionRequest = z.looseObject({
  id: z.string().min(1).max(255),
  gid: z.string().regex(/^gid:\/\/shopify\/RefundSession\/.+$/, { error: "must be a gid://shopify/RefundSession/… id" }),
  payment_id: z.string().min(1).max(255),
  amount: decimalString,
  currency,
  merchant_locale: z.string().optional(),
  proposed_at: z.string().optional(),
  test: z.boolean().default(false),
})
export type RefundSessionRequest = z.infer<typeof refundSessionRequest>

/** "field: message" for the first issue, for a 400 answer. */
export function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0]
  const path = issue.path.map(String).join(".")
  return path ? `${path}: ${issue.message}` : issue.message
}
