/**
 * The field types the contract is built of, for both directions: money (strict in requests,
 * tolerant in answers), gateway ids, scalars we only keep, ISO dates, and THE http(s) URL
 * check that the client, the sandbox and the integrations all use. Request fields carry
 * Laravel-like messages, since the sandbox answers them to the caller word for word.
 */
import { z } from "zod"
import { answerCents, type Cents, toCents } from "../money"

const absent = (input: unknown) => input === undefined || input === null

/** Whether `value` is an absolute http(s) URL with a host: the one URL check of the project. */
export function isHttpUrl(value: unknown): value is string {
  if (typeof value !== "string" || value.length === 0) return false
  try {
    const url = new URL(value)
    return (url.protocol === "http:" || url.protocol === "https:") && url.hostname.length > 0
  } catch {
    return false
  }
}

/** A required absolute http(s) URL, with the message to show when it is not one. */
export function httpUrl(message: string) {
  return z.string({ error: message }).refine(isHttpUrl, { error: message })
}

function centsOf(parse: (value: string | number, field: string) => Cents) {
  return (value: string | number, ctx: z.RefinementCtx): Cents => {
    try {
      return parse(value, "amount")
    } catch (error) {
      ctx.addIssue({ code: "custom", message: error instanceof Error ? error.message : String(error) })
      return z.NEVER
    }
  }
}

/** A dollar amount in a request ("10.50" or 10.5): at most two decimals, turned into cents. */
export const requestAmount = z.union([z.string(), z.number()]).transform(centsOf(toCents))

/**
 * A dollar amount in an answer: any number of decimals (USDT has six), rounded to the cent by
 * the one documented rule (`answerCents`). Never a float in between.
 */
export const wireAmount = z.union([z.string(), z.number()]).transform(centsOf(answerCents))

/** A gateway record id: a positive whole number, sent as a number or a numeric string. */
export const gatewayId = z.union([
  z.number().int().positive(),
  z.string().trim().regex(/^[1-9]\d{0,14}$/, { error: "must be a positive whole number" }).transform(Number),
])

/** A value we keep but never act on (bybit_pay_id, merchant_trade_no): any scalar, as text; anything else, null. */
export const keptScalar = z
  .union([z.string(), z.number(), z.boolean()])
  .transform(String)
  .nullish()
  .catch(null)
  .transform((value) => value ?? null)

/** The integration's own reference (`note`): text, a number read as text, or null when missing. */
export const noteField = z
  .union([z.string(), z.number()])
  .transform(String)
  .nullish()
  .transform((value) => value ?? null)

export const isoDateTime = z.string().refine((value) => !Number.isNaN(Date.parse(value)), {
  message: "must be an ISO 8601 date-time",
})

// ---- request fields, with the messages the gateway (and so the sandbox) answers ----

/** A required dollar amount of a request body, in cents. */
export function dollarsField(label: string) {
  return z
    .union([z.string(), z.number()], {
      error: (issue) => (absent(issue.input) ? `The ${label} field is required.` : `The ${label} must be a number of dollars, such as 10.50.`),
    })
    .pipe(requestAmount)
}

/** A required, non-blank string (trimmed). */
export function textField(label: string, max: number) {
  return z
    .string({ error: (issue) => (absent(issue.input) ? `The ${label} field is required.` : `The ${label} field must be a string.`) })
    .trim()
    .min(1, { error: `The ${label} field is required.` })
    .max(max, { error: `The ${label} field must not be greater than ${max} characters.` })
}

/** A required absolute http(s) URL. */
export function urlField(label: string) {
  return textField(label, 2048).refine(isHttpUrl, { error: `The ${label} field must be a valid http(s) URL.` })
}

/** An optional absolute http(s) URL; null and "" count as absent (as Laravel's empty-string middleware). */
export function optionalUrlField(label: string) {
  return z.preprocess((value) => (value === "" || value === null ? undefined : value), urlField(label).optional())
}

/** An optional string; null counts as absent. */
export function optionalTextField(label: string, max: number) {
  return z
    .string({ error: `The ${label} field must be a string.` })
    .max(max, { error: `The ${label} field must not be greater than ${max} characters.` })
    .nullish()
    .transform((value) => value ?? "")
}

/** A query parameter holding a whole number within [min, max]. */
export function wholeNumberParam(label: string, min: number, max: number) {
  return z
    .string()
    .regex(/^\d+$/, { error: `The ${label} field must be an integer.` })
    .transform(Number)
    .pipe(
      z
        .number()
        .min(min, { error: `The ${label} field must be at least ${min}.` })
        .max(max, { error: `The ${label} field must not be greater than ${max}.` })
    )
}

/** Renders a zod issue path as `data[3].amount`. */
export function issuePath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, key) => {
    if (typeof key === "number") return `${out}[${key}]`
    return out ? `${out}.${String(key)}` : String(key)
  }, "")
}
