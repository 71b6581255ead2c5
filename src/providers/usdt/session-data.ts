/**
 * What the provider keeps in a payment session's (and then the payment's) `data`: what the
 * storefront needs, what the gateway said, and the flags an admin must see (admin order →
 * payment collection → payment data). Never a secret. `recordFlag` is the one function that
 * writes flags; everything else reads data through `readSessionData`.
 */
import { z } from "zod"
import { type Cents, formatCents, toCents } from "../../gateway"

const refundEntrySchema = z.looseObject({
  refund_id: z.string(),
  status: z.string(),
  amount: z.string(),
  reason: z.string().optional(),
  medusa_refund_id: z.string().optional(),
  at: z.string(),
})
export type RefundEntry = z.infer<typeof refundEntrySchema>

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
  refunds: z.array(refundEntrySchema).optional(),
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
  | { kind: "underpaid"; gatewayPaymentId: number; expectedCents: Cents; paidCents: Cents }
  | { kind: "overpaid"; gatewayPaymentId: number; expectedCents: Cents; paidCents: Cents }
  | { kind: "paid_after_cancel"; gatewayPaymentId: number; paidCents: Cents; canceledAt: string }
  | { kind: "canceled"; reason: "payment_canceled" | "session_deleted" | "checkout_expired" }
  | { kind: "unknown_status"; gatewayPaymentId: number; status: string }
  | {
      kind: "refund"
      refundId: string
      status: string
      amountCents: Cents
      reason?: string
      medusaRefundId?: string
    }

/** Flags that mean money does not match the order: an admin must look. */
const REVIEW_FLAGS = new Set(["underpaid", "overpaid", "paid_after_cancel", "unknown_status"])

function flagBody(flag: Exclude<UsdtFlag, { kind: "refund" }>): Record<string, unknown> {
  switch (flag.kind) {
    case "underpaid":
      return {
        gateway_payment_id: flag.gatewayPaymentId,
        expected: formatCents(flag.expectedCents),
        paid: formatCents(flag.paidCents),
        shortfall: formatCents(flag.expectedCents - flag.paidCents),
      }
    case "overpaid":
      return {
        gateway_payment_id: flag.gatewayPaymentId,
        expected: formatCents(flag.expectedCents),
        paid: formatCents(flag.paidCents),
        excess: formatCents(flag.paidCents - flag.expectedCents),
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
 * previous one but keeps its first `at`; a refund is appended once per `refund_id`.
 */
export function recordFlag<T extends Record<string, unknown>>(data: T, flag: UsdtFlag, now: Date = new Date()): T & UsdtSessionData {
  const current = readSessionData(data)
  const at = now.toISOString()
  if (flag.kind === "refund") {
    const refunds = (current.refunds ?? []).filter((entry) => entry.refund_id !== flag.refundId)
    refunds.push({
      refund_id: flag.refundId,
      status: flag.status,
      amount: formatCents(flag.amountCents),
      ...(flag.reason ? { reason: flag.reason } : {}),
      ...(flag.medusaRefundId ? { medusa_refund_id: flag.medusaRefundId } : {}),
      at,
    })
    return { ...data, refunds }
  }
  const flags = { ...(current.flags ?? {}) }
  flags[flag.kind] = { ...flagBody(flag), at: flags[flag.kind]?.at ?? at }
  const needsReview = Object.keys(flags).some((kind) => REVIEW_FLAGS.has(kind))
  return { ...data, flags, ...(needsReview ? { needs_review: true } : {}) }
}

/** Cents already refunded through this provider, from the recorded refunds. */
export function recordedRefundCents(data: UsdtSessionData): Cents {
  return (data.refunds ?? []).reduce((sum, entry) => sum + toCents(entry.amount, "refunds.amount"), 0)
}
