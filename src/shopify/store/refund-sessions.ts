/**
 * Shopify refund sessions, keyed uniquely on (shop, Shopify's refund session id). The gateway
 * refund is guarded by the payment's row lock and a `sending` mark written before the call, so
 * no retry, crash or concurrent duplicate can refund more than was paid.
 */
import type { Pool, PoolClient } from "pg"
import { SCHEMA } from "../db/migrations"
import { inTransaction } from "../db/pool"
import { type SessionKey, type SessionKeyRow, sessionKeyOf } from "./session-key"

export type GatewayRefundState = "none" | "sending" | "refunded" | "refused"
export type RefundStatus = "pending" | "resolved" | "rejected" | "failed"

export interface RefundSession extends SessionKey {
  paymentSessionId: string | null
  paymentShopifyId: string
  amountCents: number
  currency: string
  gatewayState: GatewayRefundState
  gatewayRefundId: string | null
  status: RefundStatus
  statusDetail: string | null
}

interface Row extends SessionKeyRow {
  payment_session_id: string | null
  payment_shopify_id: string
  amount_cents: string
  currency: string
  gateway_state: GatewayRefundState
  gateway_refund_id: string | null
  status: RefundStatus
  status_detail: string | null
}

function toRefund(row: Row): RefundSession {
  return {
    ...sessionKeyOf(row),
    paymentSessionId: row.payment_session_id,
    paymentShopifyId: row.payment_shopify_id,
    amountCents: Number(row.amount_cents),
    currency: row.currency,
    gatewayState: row.gateway_state,
    gatewayRefundId: row.gateway_refund_id,
    status: row.status,
    statusDetail: row.status_detail,
  }
}

export type NewRefundSession = Pick<RefundSession, "shop" | "shopifyId" | "gid" | "paymentSessionId" | "paymentShopifyId" | "amountCents" | "currency">

const T = `${SCHEMA}.refund_sessions`

export function createRefundSessionStore(pool: Pool) {
  async function get(id: string, client: Pool | PoolClient = pool): Promise<RefundSession | null> {
    const { rows } = await client.query<Row>(`SELECT * FROM ${T} WHERE id = $1`, [id])
    return rows[0] ? toRefund(rows[0]) : null
  }

  return {
    get,

    /** Inserts the refund session, or finds the one a repeat (concurrent or later) already made. */
    async claim(input: NewRefundSession): Promise<{ created: boolean; refund: RefundSession }> {
      const inserted = await pool.query<Row>(
        `INSERT INTO ${T} (shop, shopify_id, gid, payment_session_id, payment_shopify_id, amount_cents, currency)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (shop, shopify_id) DO NOTHING RETURNING *`,
        [input.shop, input.shopifyId, input.gid, input.paymentSessionId, input.paymentShopifyId, input.amountCents, input.currency]
      )
      if (inserted.rows[0]) return { created: true, refund: toRefund(inserted.rows[0]) }
      const { rows } = await pool.query<Row>(`SELECT * FROM ${T} WHERE shop = $1 AND shopify_id = $2`, [input.shop, input.shopifyId])
      return { created: false, refund: toRefund(rows[0]) }
    },

    /**
     * Runs `step` holding the payment's row lock (refunds of one payment go one at a time), with
     * the refund re-read under the lock and the cents of the payment's other refunds by gateway
     * state. Marks written through `setGatewayState` without a client commit at once, so a
     * `sending` mark survives a crash during the gateway call.
     */
    underPaymentLock<R>(refundId: string, step: (ctx: { refund: RefundSession; othersCents: Record<"sending" | "refunded", number> }) => Promise<R>): Promise<R> {
      return inTransaction(pool, async (client) => {
        const first = await get(refundId, client)
        if (!first) throw new Error(`refund session ${refundId} does not exist`)
        if (first.paymentSessionId) {
          await client.query(`SELECT id FROM ${SCHEMA}.payment_sessions WHERE id = $1 FOR UPDATE`, [first.paymentSessionId])
        }
        const refund = (await get(refundId, client)) ?? first
        const { rows } = await client.query<{ gateway_state: GatewayRefundState; cents: string }>(
          `SELECT gateway_state, sum(amount_cents) AS cents FROM ${T}
           WHERE payment_session_id = $1 AND id <> $2 AND gateway_state IN ('sending', 'refunded') GROUP BY gateway_state`,
          [refund.paymentSessionId, refund.id]
        )
        const othersCents = { sending: 0, refunded: 0 }
        for (const row of rows) if (row.gateway_state === "sending" || row.gateway_state === "refunded") othersCents[row.gateway_state] = Number(row.cents)
        return step({ refund, othersCents })
      })
    },

    /** Marks the gateway step, committed at once (outside any lock's transaction). */
    async setGatewayState(id: string, state: GatewayRefundState, details: { refundId?: string; detail?: string } = {}) {
      await pool.query(
        `UPDATE ${T} SET gateway_state = $2, gateway_refund_id = COALESCE($3, gateway_refund_id), status_detail = COALESCE($4, status_detail), updated_at = now()
         WHERE id = $1`,
        [id, state, details.refundId ?? null, details.detail ?? null]
      )
    },

    async finish(id: string, status: Exclude<RefundStatus, "pending">, detail: string | null): Promise<RefundSession | null> {
      const { rows } = await pool.query<Row>(
        `UPDATE ${T} SET status = $2, status_detail = $3, updated_at = now() WHERE id = $1 AND status = 'pending' RETURNING *`,
        [id, status, detail]
      )
      return rows[0] ? toRefund(rows[0]) : null
    },

    async byShopifyId(shop: string, shopifyId: string): Promise<RefundSession | null> {
      const { rows } = await pool.query<Row>(`SELECT * FROM ${T} WHERE shop = $1 AND shopify_id = $2`, [shop, shopifyId])
      return rows[0] ? toRefund(rows[0]) : null
    },
  }
}

export type RefundSessionStore = ReturnType<typeof createRefundSessionStore>
