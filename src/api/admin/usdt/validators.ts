/**
 * zod schemas of the admin API's request bodies and queries, and the one way a refusal is
 * answered: 400 `{ type, message, errors: { field: [messages] } }`. Messages name fields and
 * rules, never the values sent (a value may be a secret).
 */
import type { MedusaResponse } from "@medusajs/framework/http"
import { z } from "zod"

const secret = (what: string) =>
  z
    .string({ error: `must be text: the ${what}` })
    .trim()
    .min(1, { error: `must not be empty: leave the field out to keep the stored ${what}` })
    .max(1024, { error: `is too long for a ${what} (over 1024 characters)` })
    .regex(/^\S+$/, { error: `must not contain spaces: paste the ${what} exactly as the gateway shows it` })

const merchantId = z
  .union([z.string(), z.number()], { error: "must be the numeric merchant id from the gateway's Integration page" })
  .transform((value) => String(value).trim())
  .pipe(z.string().regex(/^\d{1,20}$/, { error: "must be the numeric merchant id from the gateway's Integration page" }))

const baseUrl = z.union([
  z.null(),
  z.literal("").transform(() => null),
  z
    .url({ protocol: /^https?$/, error: "must be an http(s) URL such as https://gatenoc.com" })
    .transform((value) => new URL(value).origin),
])

/** POST /admin/usdt/settings. A field left out keeps its stored value; null clears it. */
export const saveSettingsSchema = z.strictObject({
  merchant_id: merchantId.optional(),
  base_url: baseUrl.optional(),
  api_key: secret("payment API key").nullable().optional(),
  webhook_secret: secret("webhook secret").nullable().optional(),
  previous_webhook_secret: secret("previous webhook secret").nullable().optional(),
})

/** ?limit=&offset= of the admin lists (delivery log, reconciliation runs): limit 1–100, default 20. */
export const pageQuerySchema = z.object({
  limit: z.coerce.number({ error: "must be a number" }).int().min(1).max(100).default(20),
  offset: z.coerce.number({ error: "must be a number" }).int().min(0).default(0),
})

export type FieldErrors = Record<string, string[]>

/** One list of messages per field; unknown fields are reported under their own names. */
export function fieldErrors(error: z.ZodError): FieldErrors {
  // A Map, not `{}`: a field named like an Object.prototype member ("valueOf", "__proto__") is
  // still just a field (found by test/unit/properties-boundaries.test.ts: it made this throw).
  const errors = new Map<string, string[]>()
  const add = (field: string, message: string) => errors.set(field, [...(errors.get(field) ?? []), message])
  for (const issue of error.issues) {
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) add(key, "is not an accepted field")
    } else {
      add(issue.path.map(String).join(".") || "body", issue.message)
    }
  }
  return Object.fromEntries(errors)
}

/** Answers 400 with the per-field errors. */
export function respondInvalid(res: MedusaResponse, errors: FieldErrors, what = "request"): void {
  const summary = Object.entries(errors)
    .map(([field, messages]) => `${field} ${messages.join("; ")}`)
    .join(". ")
  res.status(400).json({ type: "invalid_data", message: `Invalid ${what}: ${summary}`, errors })
}

/** Parses with a schema; on failure answers 400 and returns undefined. */
export function parseOrRespond<S extends z.ZodType>(schema: S, input: unknown, res: MedusaResponse, what?: string): z.infer<S> | undefined {
  const parsed = schema.safeParse(input ?? {})
  if (parsed.success) return parsed.data
  respondInvalid(res, fieldErrors(parsed.error), what)
  return undefined
}

/** POST /admin/usdt/orders/:id/refund-excess: which USDT payment (default: the one with an excess left). */
export const refundExcessSchema = z.strictObject({ payment_id: z.string({ error: "must be a Medusa payment id" }).min(1).optional() })

/** POST /admin/usdt/orders/:id/refunds/settle: also record what the gateway refunded outside the store. */
export const settleRefundsSchema = z.strictObject({ record_outside_refunds: z.boolean({ error: "must be true or false" }).optional() })
