/**
 * Reconciles a range from the command line, with a progress line per page and the summary at
 * the end; exits 1 when the run stops early or another run holds the lock.
 *
 *   a store that installed the package (bare dates are whole UTC days):
 *     npx medusa exec ./node_modules/medusa-payment-usdt/.medusa/server/src/scripts/usdt-reconcile.js from=2026-11-01 to=2026-11-02
 *   this repository:
 *     npm run reconcile -- from=2026-11-01T00:00:00Z to=2026-11-02T00:00:00Z
 */
import type { ExecArgs } from "@medusajs/framework/types"
import { runUsdtReconciliation } from "../reconcile"
import { parseCliRange } from "../reconcile/cli-args"
import { reconcileSettingsFromEnv } from "../reconcile/settings"
import { describeSummary } from "../reconcile/summary"
import type { PageProgress } from "../reconcile/types"

/** Discrepancies printed in full at the end. */
const SHOWN_DISCREPANCIES = 20

function progressLine(progress: PageProgress): string {
  const s = progress.summary
  return (
    `[usdt-reconcile] ${progress.status} page ${progress.page}/${progress.lastPage} (${progress.count} payments): ` +
    `seen ${s.payments_seen}, healed ${s.healed}, in sync ${s.in_sync}, ` +
    `discrepancies ${Object.values(s.discrepancy_counts).reduce((sum, count) => sum + count, 0)}, failed ${s.failed}`
  )
}

export default async function usdtReconcileScript({ container, args }: ExecArgs): Promise<void> {
  const settings = reconcileSettingsFromEnv()
  const parsed = parseCliRange(args ?? [], process.env, settings.maxRangeMs)
  if (!parsed.ok) throw new Error(parsed.message)
  const { run, summary } = await runUsdtReconciliation(container, {
    trigger: "cli",
    range: parsed.range,
    onPage: (progress) => console.log(progressLine(progress)),
  })
  console.log(`[usdt-reconcile] run ${run.id} ${run.status}: ${describeSummary(summary)}`)
  for (const discrepancy of summary.discrepancies.slice(0, SHOWN_DISCREPANCIES)) {
    console.log(`[usdt-reconcile]   ${discrepancy.kind} · gateway payment ${discrepancy.gateway_payment_id}: ${discrepancy.message}`)
  }
  const total = Object.values(summary.discrepancy_counts).reduce((sum, count) => sum + count, 0)
  if (total > SHOWN_DISCREPANCIES) console.log(`[usdt-reconcile]   … and ${total - SHOWN_DISCREPANCIES} more (see the run in the admin)`)
  if (!summary.complete) throw new Error(`the run stopped early: ${summary.error ?? "unknown error"}`)
}
