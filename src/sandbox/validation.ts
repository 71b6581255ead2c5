/**
 * Request validation at the boundary, answered the way Laravel answers it:
 * 422 `{ message, errors: { field: [messages] } }`, the message being the first error
 * followed by "(and N more errors)".
 */
import type { z } from "zod"
import { type Answer, problem } from "./http"

export type FieldErrors = Record<string, string[]>

export function validationAnswer(errors: FieldErrors): Answer {
  const messages = Object.values(errors).flat()
  const first = messages[0] ?? "The given data was invalid."
  const more = messages.length - 1
  const message = more > 0 ? `${first} (and ${more} more error${more > 1 ? "s" : ""})` : first
  return problem(422, message, { errors })
}

export function fieldErrors(issues: z.ZodError["issues"]): FieldErrors {
  // A Map: a field named "valueOf" or "__proto__" must not meet Object.prototype.
  const errors = new Map<string, string[]>()
  for (const issue of issues) {
    const field = issue.path.map(String).join(".") || "body"
    const list = errors.get(field) ?? []
    if (!list.includes(issue.message)) errors.set(field, [...list, issue.message])
  }
  return Object.fromEntries(errors)
}

export type Validated<T> = { ok: true; data: T } | { ok: false; answer: Answer }

export function validate<S extends z.ZodType>(schema: S, value: unknown): Validated<z.output<S>> {
  const parsed = schema.safeParse(value)
  return parsed.success ? { ok: true, data: parsed.data } : { ok: false, answer: validationAnswer(fieldErrors(parsed.error.issues)) }
}
