/**
 * startSandbox's options, checked once with one error naming every bad option (never a
 * secret's value), and filled in with the documented defaults.
 */
import { z } from "zod"
import type { RetryPolicy } from "./delivery-state"
import type { RateLimitConfig } from "./rate-limit"

const positiveInt = z.number().int().positive()

export const sandboxOptionsSchema = z.object({
  port: z.number().int().min(0).max(65_535).optional(),
  host: z.string().min(1).optional(),
  merchants: z
    .array(
      z.object({
        id: positiveInt,
        apiKey: z.string().min(1, { error: "is required" }),
        webhookSecret: z.string().min(1, { error: "is required" }),
        active: z.boolean().optional(),
      })
    )
    .min(1, { error: "must hold at least one merchant" })
    .refine((list) => new Set(list.map((m) => m.id)).size === list.length, { error: "merchant ids must be unique" })
    .refine((list) => new Set(list.map((m) => m.apiKey)).size === list.length, { error: "API keys must be unique" }),
  minAmountCents: positiveInt.optional(),
  checkoutTtlMs: positiveInt.optional(),
  rateLimit: z.union([z.literal(false), z.object({ limit: positiveInt, windowMs: positiveInt })]).optional(),
  webhookRetry: z
    .object({
      maxAttempts: positiveInt.optional(),
      baseDelayMs: z.number().int().min(0).optional(),
      factor: z.number().min(1).optional(),
      maxDelayMs: z.number().int().min(0).optional(),
      timeoutMs: positiveInt.optional(),
    })
    .optional(),
  now: z.custom<() => number>((value) => typeof value === "function", { error: "must be a function returning ms" }).optional(),
  quiet: z.boolean().optional(),
})

export interface ResolvedOptions {
  port: number
  host: string
  merchants: { id: number; apiKey: string; webhookSecret: string; active: boolean }[]
  minAmountCents: number
  checkoutTtlMs: number
  rateLimit: RateLimitConfig | false
  webhookRetry: RetryPolicy
  quiet: boolean
}

export function resolveOptions(options: unknown): ResolvedOptions {
  const parsed = sandboxOptionsSchema.safeParse(options)
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".") || "options"} ${issue.message}`)
    throw new TypeError(`Invalid sandbox options: ${problems.join("; ")}`)
  }
  const o = parsed.data
  const retry = o.webhookRetry ?? {}
  return {
    port: o.port ?? 0,
    host: o.host ?? "127.0.0.1",
    merchants: o.merchants.map((m) => ({ id: m.id, apiKey: m.apiKey, webhookSecret: m.webhookSecret, active: m.active ?? true })),
    minAmountCents: o.minAmountCents ?? 100,
    checkoutTtlMs: o.checkoutTtlMs ?? 30 * 60_000,
    rateLimit: o.rateLimit ?? { limit: 120, windowMs: 60_000 },
    webhookRetry: {
      maxAttempts: retry.maxAttempts ?? 6,
      baseDelayMs: retry.baseDelayMs ?? 1_000,
      factor: retry.factor ?? 2,
      maxDelayMs: retry.maxDelayMs ?? 60_000,
      timeoutMs: retry.timeoutMs ?? 10_000,
    },
    quiet: o.quiet ?? false,
  }
}
