/**
 * What the privacy and uninstall webhooks do to a shop's rows. The app keeps no customer's
 * personal data (Shopify's `customer` object is read for nothing and never stored), so redaction
 * is about shops: `shop/redact` deletes every row of the shop; uninstall stops its open sessions
 * and drops its gateway credentials unless a pending refund still needs them.
 */
import type { Pool } from "pg"
import { SCHEMA } from "../db/migrations"
import { inTransaction } from "../db/pool"

export function createShopData(pool: Pool) {
  return {
    /** Every row of the shop, gone. Answers how many rows each table lost. */
    forget(shop: string): Promise<Record<"refund_sessions" | "payment_sessions" | "shops", number>> {
      return inTransaction(pool, async (client) => {
        const refunds = await client.query(`DELETE FROM ${SCHEMA}.refund_sessions WHERE shop = $1`, [shop])
        const payments = await client.query(`DELETE FROM ${SCHEMA}.payment_sessions WHERE shop = $1`, [shop])
        const shops = await client.query(`DELETE FROM ${SCHEMA}.shops WHERE shop = $1`, [shop])
        return { refund_sessions: refunds.rowCount ?? 0, payment_sessions: payments.rowCount ?? 0, shops: shops.rowCount ?? 0 }
      })
    },

    /**
     * Marks the shop uninstalled, closes its open payment sessions (nothing will settle them now)
     * and clears its credentials unless a refund is pending. Answers the closed sessions' ids.
     */
    uninstall(shop: string): Promise<{ closedSessionIds: string[]; pendingRefundIds: string[] }> {
      return inTransaction(pool, async (client) => {
        await client.query(`UPDATE ${SCHEMA}.shops SET uninstalled_at = now() WHERE shop = $1`, [shop])
        const closed = await client.query<{ id: string }>(
          `UPDATE ${SCHEMA}.payment_sessions SET status = 'failed', status_detail = 'the app was uninstalled', updated_at = now()
           WHERE shop = $1 AND status = 'open' RETURNING id`,
          [shop]
        )
        const pending = await client.query<{ id: string }>(`SELECT id FROM ${SCHEMA}.refund_sessions WHERE shop = $1 AND status = 'pending'`, [shop])
        if (pending.rows.length === 0) {
          await client.query(
            `UPDATE ${SCHEMA}.shops SET merchant_id = NULL, api_key_enc = NULL, webhook_secret_enc = NULL, previous_webhook_secret_enc = NULL,
               credentials_updated_at = now() WHERE shop = $1`,
            [shop]
          )
        }
        return { closedSessionIds: closed.rows.map((row) => row.id), pendingRefundIds: pending.rows.map((row) => row.id) }
      })
    },
  }
}

export type ShopData = ReturnType<typeof createShopData>
