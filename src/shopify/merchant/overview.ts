/**
 * What the merchant page shows of a shop: its recent payment and refund sessions with their
 * Shopify and gateway states, the ones paid at the gateway but not resolved at Shopify, and the
 * last reconciliation runs. Every query is bound to the one shop of the merchant's session.
 */
import type { Pool } from "pg"
import { SCHEMA } from "../db/migrations"

const LIMIT = 50

const fmt = (cents: string | null) => (cents === null ? null : (Number(cents) / 100).toFixed(2))

export async function shopOverview(pool: Pool, shop: string) {
  const payments = await pool.query<{ shopify_id: string; amount_cents: string; currency: string; decision: string | null; reject_reason: string | null; paid_cents: string | null; payment_record_id: string | null; status: string; created_at: Date }>(
    `SELECT shopify_id, amount_cents, currency, decision, reject_reason, paid_cents, payment_record_id, status, created_at FROM ${SCHEMA}.payment_sessions
     WHERE shop = $1 ORDER BY id DESC LIMIT ${LIMIT}`,
    [shop]
  )
  const refunds = await pool.query<{ shopify_id: string; payment_shopify_id: string; amount_cents: string; gateway_state: string; status: string; status_detail: string | null; created_at: Date }>(
    `SELECT shopify_id, payment_shopify_id, amount_cents, gateway_state, status, status_detail, created_at FROM ${SCHEMA}.refund_sessions
     WHERE shop = $1 ORDER BY id DESC LIMIT ${LIMIT}`,
    [shop]
  )
  const runs = await pool.query<{ started_at: Date; finished_at: Date | null; outcome: Record<string, unknown>; error: string | null }>(
    `SELECT started_at, finished_at, outcome, error FROM ${SCHEMA}.reconcile_runs WHERE shop = $1 ORDER BY id DESC LIMIT 10`,
    [shop]
  )
  const gatewayState = (row: { decision: string | null; reject_reason: string | null; payment_record_id: string | null }) =>
    row.decision === "resolve" ? "paid" : row.decision === "reject" ? `rejected (${row.reject_reason ?? "?"})` : row.payment_record_id ? "seen" : "awaiting payment"
  const paymentViews = payments.rows.map((row) => ({
    id: row.shopify_id,
    amount: fmt(row.amount_cents),
    currency: row.currency,
    paid: fmt(row.paid_cents),
    gateway_payment_id: row.payment_record_id,
    gateway_state: gatewayState(row),
    shopify_state: row.status === "open" ? "pending" : row.status,
    created_at: row.created_at.toISOString(),
  }))
  return {
    payments: paymentViews,
    refunds: refunds.rows.map((row) => ({
      id: row.shopify_id,
      payment_id: row.payment_shopify_id,
      amount: fmt(row.amount_cents),
      gateway_state: row.gateway_state,
      shopify_state: row.status,
      detail: row.status_detail,
      created_at: row.created_at.toISOString(),
    })),
    paid_not_resolved: paymentViews.filter((p) => p.gateway_state === "paid" && p.shopify_state !== "resolved"),
    reconcile_runs: runs.rows.map((row) => ({ started_at: row.started_at.toISOString(), finished_at: row.finished_at?.toISOString() ?? null, outcome: row.outcome, error: row.error })),
  }
}
