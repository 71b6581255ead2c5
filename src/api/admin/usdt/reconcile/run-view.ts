/**
 * A reconciliation run as the admin sees it: the stored record, with the discrepancies split
 * into the listed ones and their counts by kind (the stored list ends with a "truncated" entry
 * when a run saw more than it keeps).
 */
import { z } from "zod"
import type { ReconciliationRunRecord } from "../../../../modules/usdt-gateway/types"
import { DISCREPANCY_KINDS, type DiscrepancyKind } from "../../../../reconcile/types"

const listedSchema = z.looseObject({
  kind: z.enum(DISCREPANCY_KINDS),
  gateway_payment_id: z.number(),
  payment_session_id: z.string().optional(),
  order_id: z.string().optional(),
  message: z.string(),
})
const truncatedSchema = z.looseObject({
  kind: z.literal("truncated"),
  omitted: z.number(),
  counts: z.partialRecord(z.enum(DISCREPANCY_KINDS), z.number()),
})

export type DiscrepancyView = z.infer<typeof listedSchema>

function countsOf(listed: DiscrepancyView[], truncated: z.infer<typeof truncatedSchema> | undefined): Record<DiscrepancyKind, number> {
  const counts: Record<DiscrepancyKind, number> = { amount_mismatch: 0, unknown_note: 0, refund_not_in_medusa: 0, paid_after_abandon: 0, completion_failed: 0, paid_no_order: 0, unknown_status: 0 }
  if (truncated) {
    for (const kind of DISCREPANCY_KINDS) counts[kind] = truncated.counts[kind] ?? 0
    return counts
  }
  for (const entry of listed) counts[entry.kind]++
  return counts
}

export function reconcileRunView(run: ReconciliationRunRecord) {
  const listed: DiscrepancyView[] = []
  let truncated: z.infer<typeof truncatedSchema> | undefined
  for (const entry of run.discrepancies ?? []) {
    const parsed = listedSchema.safeParse(entry)
    if (parsed.success) listed.push(parsed.data)
    else truncated = truncatedSchema.safeParse(entry).data ?? truncated
  }
  const counts = countsOf(listed, truncated)
  return {
    id: run.id,
    status: run.status,
    started_at: run.started_at,
    finished_at: run.finished_at,
    window_from: run.window_from,
    window_to: run.window_to,
    pages: run.pages,
    payments_seen: run.payments_seen,
    healed: run.healed,
    expired: run.expired,
    discrepancies: listed,
    discrepancy_counts: counts,
    discrepancy_total: Object.values(counts).reduce((sum, count) => sum + count, 0),
    duration_ms: run.duration_ms,
    requests: run.requests,
    rate_limited: run.rate_limited,
    error: run.error,
  }
}

export type ReconcileRunView = ReturnType<typeof reconcileRunView>
