/**
 * zod builders for the fields of request bodies and queries, with Laravel-like messages.
 * Amounts go through the gateway core's own `wireAmount` (number or decimal string, at most
 * two decimals → integer cents), so the sandbox reads money exactly as the client writes it.
 */
import { z } from "zod"
import { wireAmount } from "../gateway/schemas"
import { type DateBound, parseIsoBound } from "./time"

const absent = (input: unknown) => input === undefined || input === null

/** A required dollar amount, in cents. */
export function dollarsField(label: string) {
  return z
    .union([z.string(), z.number()], {
      error: (issue) => (absent(issue.input) ? `The ${label} field is required.` : `The ${label} must be a number of dollars, such as 10.50.`),
    })
    .pipe(wireAmount)
}

/** A required, non-blank string (trimmed). */
export function textField(label: string, max: number) {
  return z
    .string({ error: (issue) => (absent(issue.input) ? `The ${label} field is required.` : `The ${label} field must be a string.`) })
    .trim()
    .min(1, { error: `The ${label} field is required.` })
    .max(max, { error: `The ${label} field must not be greater than ${max} characters.` })
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value)
    return (url.protocol === "http:" || url.protocol === "https:") && url.hostname.length > 0
  } catch {
    return false
  }
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

/** A query parameter holding an ISO 8601 date or date-time (UTC unless an offset is given). */
export function isoBoundParam(label: string) {
  return z.string().transform((value, ctx): DateBound => {
    const bound = parseIsoBound(value)
    if (bound) return bound
    ctx.addIssue({
      code: "custom",
      message: `The ${label} field must be an ISO 8601 date or date-time (UTC), such as 2026-03-24 or 2026-03-24T12:00:00Z.`,
    })
    return z.NEVER
  })
}

/** Query parameters as an object, blank values left out (`?status=&from=` means no filter). */
export function queryObject(query: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [key, value] of query) if (value.trim() !== "") out[key] = value.trim()
  return out
}
