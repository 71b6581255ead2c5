/**
 * What the app keeps about shoppers and what Shopify's privacy webhooks do to it. The app never
 * stores a shopper's email or phone: only keyed pseudonyms (HMAC-SHA256 under the app's
 * encryption key, per shop), so that `customers/redact` and `customers/data_request` can find
 * that shopper's payment sessions. Redaction deletes the link and the shopper-specific URLs;
 * `shop/redact` deletes every row of the shop (with store/shop-data.ts).
 */
import { createHmac } from "node:crypto"
import type { Pool } from "pg"
import { SCHEMA } from "../db/migrations"
import { inTransaction } from "../db/pool"

export interface CustomerContact {
  email?: string | null
  phone?: string | null
}

const normalEmail = (email: string) => email.trim().toLowerCase()
const normalPhone = (phone: string) => phone.replace(/[^\d+]/g, "")

export function createPrivacyStore(pool: Pool, key: Buffer) {
  const ref = (shop: string, kind: "email" | "phone", value: string) => createHmac("sha256", key).update(`${kind}\n${shop}\n${value}`).digest("hex")
  const refsOf = (shop: string, contact: CustomerContact) => ({
    email: contact.email ? ref(shop, "email", normalEmail(contact.email)) : null,
    phone: contact.phone && normalPhone(contact.phone) ? ref(shop, "phone", normalPhone(contact.phone)) : null,
  })
  const MATCH = `shop = $1 AND (($2::text IS NOT NULL AND email_ref = $2) OR ($3::text IS NOT NULL AND phone_ref = $3))`

  return {
    /** Links a payment session to its shopper's pseudonyms (nothing when Shopify sent no contact). */
    async linkCustomer(paymentSessionId: string, shop: string, contact: CustomerContact | undefined): Promise<void> {
      const refs = refsOf(shop, contact ?? {})
      if (!refs.email && !refs.phone) return
      await pool.query(
        `INSERT INTO ${SCHEMA}.payment_customers (payment_session_id, shop, email_ref, phone_ref) VALUES ($1, $2, $3, $4)
         ON CONFLICT (payment_session_id) DO NOTHING`,
        [paymentSessionId, shop, refs.email, refs.phone]
      )
    },

    /** The shopper's payment sessions as the app holds them (for customers/data_request). */
    async customerData(shop: string, contact: CustomerContact) {
      const refs = refsOf(shop, contact)
      const { rows } = await pool.query<{ shopify_id: string; amount_cents: string; currency: string; status: string; created_at: Date }>(
        `SELECT p.shopify_id, p.amount_cents, p.currency, p.status, p.created_at FROM ${SCHEMA}.payment_sessions p
         JOIN ${SCHEMA}.payment_customers c ON c.payment_session_id = p.id WHERE c.${MATCH} ORDER BY p.id`,
        [shop, refs.email, refs.phone]
      )
      return rows.map((row) => ({ payment_session: row.shopify_id, amount_cents: Number(row.amount_cents), currency: row.currency, status: row.status, created_at: row.created_at.toISOString() }))
    },

    /** Forgets the shopper: the link rows go, and the shopper-specific URLs of those sessions. */
    redactCustomer(shop: string, contact: CustomerContact): Promise<number> {
      const refs = refsOf(shop, contact)
      return inTransaction(pool, async (client) => {
        const { rows } = await client.query<{ payment_session_id: string }>(
          `DELETE FROM ${SCHEMA}.payment_customers WHERE ${MATCH} RETURNING payment_session_id`,
          [shop, refs.email, refs.phone]
        )
        const ids = rows.map((row) => row.payment_session_id)
        if (ids.length > 0) {
          await client.query(`UPDATE ${SCHEMA}.payment_sessions SET cancel_url = NULL, next_action_url = NULL, updated_at = now() WHERE shop = $1 AND id = ANY($2::bigint[])`, [shop, ids])
        }
        return ids.length
      })
    },

    /** Uninstall: the shop's shopper links go (nothing settles its sessions any more). */
    async unlinkShop(shop: string): Promise<number> {
      return (await pool.query(`DELETE FROM ${SCHEMA}.payment_customers WHERE shop = $1`, [shop])).rowCount ?? 0
    },

    /** shop/redact: this module's own rows of the shop (the sessions themselves go in shop-data.ts). */
    async forgetShop(shop: string): Promise<Record<"privacy_requests" | "reconcile_runs", number>> {
      const requests = await pool.query(`DELETE FROM ${SCHEMA}.privacy_requests WHERE shop = $1`, [shop])
      const runs = await pool.query(`DELETE FROM ${SCHEMA}.reconcile_runs WHERE shop = $1`, [shop])
      return { privacy_requests: requests.rowCount ?? 0, reconcile_runs: runs.rowCount ?? 0 }
    },

    async logRequest(shop: string, topic: string, webhookId: string | null, outcome: Record<string, unknown>): Promise<void> {
      await pool.query(`INSERT INTO ${SCHEMA}.privacy_requests (shop, topic, webhook_id, outcome) VALUES ($1, $2, $3, $4)`, [shop, topic, webhookId, JSON.stringify(outcome)])
    },
  }
}

export type PrivacyStore = ReturnType<typeof createPrivacyStore>
