/**
 * What the provider keeps in a payment session's (and then the payment's) `data`: what the
 * storefront needs, what the gateway said, and the flags an admin must see (admin order →
 * payment collection → payment data). Never a secret. `recordFlag` is the one function that
 * writes flags; everything else reads data through `readSessionData`.
 */
import { z } from "zod"
import { type Cents, formatCents } from "../../gateway"

export const sessionDataSchema = z.looseObject({
  session_id: z.string().optional(),
  checkout_url: z.string().optional(),
  /** The gateway note of the checkout: the session that opened it (this one, or one it reused). */
  checkout_note: z.string().optional(),
  expires_at: z.string().optional(),
  opened_at: z.string().optional(),
  amount_cents: z.number().int().nonnegative().optional(),
  success_url: z.string().optional(),
  cancel_url: z.string().optional(),
  gateway_payment_id: z.number().int().positive().optional(),
  gateway_status: z.string().optional(),
  paid_amount: z.string().optional(),
  flags: z.record(z.string(), z.looseObject({ at: z.string() })).optional(),
  needs_review: z.boolean().optional(),
})
export type UsdtSessionData = z.infer<typeof sessionDataSchema>

/** Reads session data leniently: a field of the wrong shape is dropped, never trusted. */
export function readSessionData(data: Record<string, unknown> | undefined | null): UsdtSessionData {
  const parsed = sessionDataSchema.safeParse(data ?? {})
  if (parsed.success) return parsed.data
  const bad = new Set(parsed.error.issues.map((issue) => String(issue.path[0])))
  const kept = Object.fromEntries(Object.entries(data ?? {}).filter(([key]) => !bad.has(key)))
  return sessionDataSchema.parse(kept)
}

export type UsdtFlag =
  | { kind: "underpaid" | "overpaid"; gatewayPaymentId: number; expectedCents: Cents; paidCents: Cents }
  | { kind: "paid_after_cancel"; gatewayPaymentId: number; paidCents: Cents; canceledAt: string }
  | { kind: "canceled"; reason: "payment_canceled" | "session_deleted" | "checkout_expired" }
  | { kind: "unknown_status"; gatewayPaymentId: number; status: string }

/** Flags that mean money does not match the order: an admin must look. */
const REVIEW_FLAGS = new Set(["underpaid", "overpaid", "paid_after_cancel", "unknown_status"])

function flagBody(flag: UsdtFlag): Record<string, unknown> {
  switch (flag.kind) {
    case "underpaid":
    case "overpaid": {
      const difference = flag.kind === "underpaid" ? { shortfall: formatCents(flag.expectedCents - flag.paidCents) } : { excess: formatCents(flag.paidCents - flag.expectedCents) }
      return { gateway_payment_id: flag.gatewayPaymentId, expected: formatCents(flag.expectedCents), paid: formatCents(flag.paidCents), ...difference }
    }
    case "paid_after_cancel":
      return { gateway_payment_id: flag.gatewayPaymentId, paid: formatCents(flag.paidCents), canceled_at: flag.canceledAt }
    case "canceled":
      return { reason: flag.reason }
    case "unknown_status":
      return { gateway_payment_id: flag.gatewayPaymentId, status: flag.status }
    default: {
      const unreachable: never = flag
      return unreachable
    }
  }
}

/**
 * Returns `data` with the flag recorded. Idempotent: a flag of the same kind replaces the
 * previous one but keeps its first `at`. (Refunds are not kept here: the refund ledger holds them.)
 */
export function recordFlag<T extends Record<string, unknown>>(data: T, flag: UsdtFlag, now: Date = new Date()): T & UsdtSessionData {
  const current = readSessionData(data)
  const at = now.toISOString()
  const flags = { ...(current.flags ?? {}) }
  flags[flag.kind] = { ...flagBody(flag), at: flags[flag.kind]?.at ?? at }
  const needsReview = Object.keys(flags).some((kind) => REVIEW_FLAGS.has(kind))
  return { ...data, flags, ...(needsReview ? { needs_review: true } : {}) }
}
