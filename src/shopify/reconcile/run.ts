/**
 * One reconciliation run for one shop: the shared engine pages the gateway's completed payments
 * of the look-back window (one request per 100 payments, through the shop's paced client) and the
 * Shopify settle port resolves the sessions whose webhook never came. Each run is recorded in
 * `reconcile_runs` (shown on the merchant page). Runs of one shop never overlap: the bullmq job
 * of a shop is a single repeatable job, and a row lock guards against a second process.
 */
import { reconcile } from "../../reconcile/engine"
import type { ReconcileSummary } from "../../reconcile/types"
import type { AppContext } from "../context"
import { SCHEMA } from "../db/migrations"
import { shopifySettlePage } from "./settle-page"

export type ShopRunOutcome = { ran: false; why: string } | { ran: true; summary: ReconcileSummary }

export async function reconcileShop(ctx: AppContext, shop: string, lookbackMs: number, now = Date.now()): Promise<ShopRunOutcome> {
  const gateway = await ctx.gateways.forShop(shop)
  if (!gateway) return { ran: false, why: "not installed or no gateway credentials" }
  const { rows } = await ctx.pool.query<{ id: string }>(`INSERT INTO ${SCHEMA}.reconcile_runs (shop) VALUES ($1) RETURNING id`, [shop])
  const runId = rows[0].id
  const summary = await reconcile({
    source: gateway.client,
    counters: gateway.client.stats,
    window: { from: new Date(now - lookbackMs), to: new Date(now) },
    statuses: ["completed"],
    settlePage: shopifySettlePage(ctx, shop),
  })
  const outcome = { pages: summary.pages, payments_seen: summary.payments_seen, healed: summary.healed, in_sync: summary.in_sync, failed: summary.failed, discrepancies: summary.discrepancy_counts, requests: summary.requests, duration_ms: summary.duration_ms }
  await ctx.pool.query(`UPDATE ${SCHEMA}.reconcile_runs SET finished_at = now(), outcome = $2, error = $3 WHERE id = $1`, [runId, JSON.stringify(outcome), summary.error ?? null])
  if (summary.healed > 0) ctx.log.info(`reconcile ${shop}: ${summary.healed} session(s) resolved whose webhook never came`)
  return { ran: true, summary }
}
