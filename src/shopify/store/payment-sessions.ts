/**
 * Shopify payment sessions, keyed uniquely on (shop, Shopify's session id). `claim` is the
 * idempotency point: the first request inserts the row and opens the checkout while holding the
 * row's lock; any repeat (later or concurrent) waits on that lock and reads the same answer.
 */
import type { Pool } from "pg"
import { SCHEMA } from "../db/migrations"
import { inTransaction } from "../db/pool"

export type Decision = "resolve" | "reject"
export type SessionStatus = "open" | "resolved" | "rejected" | "failed"

export interface PaymentSession {
  id: string
  shop: string
  shopifyId: string
  gid: string
  reference: string
  amountCents: number
  currency: string
  kind: string
  test: boolean
  cancelUrl: string | null
  checkoutUrl: string | null
  redirectUrl: string | null
  expiresAt: Date | null
  decision: Decision | null
  rejectReason: string | null
  paymentRecordId: string | null
  paidCents: number | null
  status: SessionStatus
  statusDetail: string | null
  nextActionUrl: string | null
  createdAt: Date
}

interface Row {
  id: string
  shop: string
  shopify_id: string
  gid: string
  reference: string
  amount_cents: string
  currency: string
  kind: string
  test: boolean
  cancel_url: string | null
  checkout_url: string | null
  redirect_url: string | null
  expires_at: Date | null
  decision: Decision | null
  reject_reason: string | null
  payment_record_id: string | null
  paid_cents: string | null
  status: SessionStatus
  status_detail: string | null
  next_action_url: string | null
  created_at: Date
}

function toSession(row: Row): PaymentSession {
  return {
    id: row.id,
    shop: row.shop,
    shopifyId: row.shopify_id,
    gid: row.gid,
    reference: row.reference,
    amountCents: Number(row.amount_cents),
    currency: row.currency,
    kind: row.kind,
    test: row.test,
    cancelUrl: row.cancel_url,
    checkoutUrl: row.checkout_url,
    redirectUrl: row.redirect_url,
    expiresAt: row.expires_at,
    decision: row.decision,
    rejectReason: row.reject_reason,
    paymentRecordId: row.payment_record_id,
    paidCents: row.paid_cents === null ? null : Number(row.paid_cents),
    status: row.status,
    statusDetail: row.status_detail,
    nextActionUrl: row.next_action_url,
    createdAt: row.created_at,
  }
}

export type NewPaymentSession = Pick<
  PaymentSession,
  "shop" | "shopifyId" | "gid" | "reference" | "amountCents" | "currency" | "kind" | "test" | "cancelUrl"
>

/** What opening a session decided: where the shopper goes, and maybe an immediate decision. */
export interface Opened {
  redirectUrl: string
  checkoutUrl?: string
  expiresAt?: Date
  decision?: { decision: Decision; rejectReason: string }
}

export type Claim = { created: boolean; session: PaymentSession }

const T = `${SCHEMA}.payment_sessions`

export function createPaymentSessionStore(pool: Pool) {
  async function one(sql: string, params: unknown[]): Promise<PaymentSession | null> {
    const { rows } = await pool.query<Row>(sql, params)
    return rows[0] ? toSession(rows[0]) : null
  }

  return {
    /**
     * Inserts the session or finds it, under its row lock. A new row is `open`ed (the gateway
     * checkout) before the lock is released; a failure rolls the row back, so a retry starts over.
     */
    claim(input: NewPaymentSession, open: (session: PaymentSession) => Promise<Opened>): Promise<Claim> {
      return inTransaction(pool, async (client) => {
        // A new row is locked by this transaction already; an existing one is locked (or waited for) here.
        const inserted = await client.query<Row>(
          `INSERT INTO ${T} (shop, shopify_id, gid, reference, amount_cents, currency, kind, test, cancel_url)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (shop, shopify_id) DO NOTHING RETURNING *`,
          [input.shop, input.shopifyId, input.gid, input.reference, input.amountCents, input.currency, input.kind, input.test, input.cancelUrl]
        )
        const rows = inserted.rows[0]
          ? inserted.rows
          : (await client.query<Row>(`SELECT * FROM ${T} WHERE shop = $1 AND shopify_id = $2 FOR UPDATE`, [input.shop, input.shopifyId])).rows
        const existing = toSession(rows[0])
        if (existing.redirectUrl !== null) return { created: false, session: existing }
        const opened = await open(existing)
        const updated = await client.query<Row>(
          `UPDATE ${T} SET redirect_url = $2, checkout_url = $3, expires_at = $4, decision = $5, reject_reason = $6, updated_at = now()
           WHERE id = $1 RETURNING *`,
          [existing.id, opened.redirectUrl, opened.checkoutUrl ?? null, opened.expiresAt ?? null, opened.decision?.decision ?? null, opened.decision?.rejectReason ?? null]
        )
        return { created: true, session: toSession(updated.rows[0]) }
      })
    },

    get: (id: string) => one(`SELECT * FROM ${T} WHERE id = $1`, [id]),
    byReference: (shop: string, reference: string) => one(`SELECT * FROM ${T} WHERE shop = $1 AND reference = $2`, [shop, reference]),
    byShopifyId: (shop: string, shopifyId: string) => one(`SELECT * FROM ${T} WHERE shop = $1 AND shopify_id = $2`, [shop, shopifyId]),

    /** Records the decision once; answers the row as it stands afterwards (an earlier decision wins). */
    async decide(id: string, decision: Decision, details: { rejectReason?: string; paymentRecordId?: number; paidCents?: number }) {
      const decided = await one(
        `UPDATE ${T} SET decision = $2, reject_reason = $3, payment_record_id = $4, paid_cents = $5, updated_at = now()
         WHERE id = $1 AND decision IS NULL RETURNING *`,
        [id, decision, details.rejectReason ?? null, details.paymentRecordId ?? null, details.paidCents ?? null]
      )
      return decided ?? one(`SELECT * FROM ${T} WHERE id = $1`, [id])
    },

    /** The session's final state at Shopify (resolved, rejected, or failed for good). */
    async finish(id: string, status: Exclude<SessionStatus, "open">, details: { detail?: string; nextActionUrl?: string | null }) {
      return one(
        `UPDATE ${T} SET status = $2, status_detail = $3, next_action_url = COALESCE($4, next_action_url), updated_at = now()
         WHERE id = $1 AND status = 'open' RETURNING *`,
        [id, status, details.detail ?? null, details.nextActionUrl ?? null]
      )
    },
  }
}

export type PaymentSessionStore = ReturnType<typeof createPaymentSessionStore>
