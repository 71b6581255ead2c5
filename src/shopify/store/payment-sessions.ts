/**
 * Shopify payment sessions, keyed uniquely on (shop, Shopify's session id). `claim` is the
 * idempotency point: the first request inserts the row (committed at once), opens the checkout
 * with no DB connection held, and stores the answer; any repeat reads that answer, waits on the
 * call in flight, or (after a crash) reopens the same checkout under the same Idempotency-Key.
 */
import type { Pool } from "pg"
import { SCHEMA } from "../db/migrations"
import { type SessionKey, type SessionKeyRow, sessionKeyOf } from "./session-key"

export type Decision = "resolve" | "reject"
export type SessionStatus = "open" | "resolved" | "rejected" | "failed"

export interface PaymentSession extends SessionKey {
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

interface Row extends SessionKeyRow {
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
    ...sessionKeyOf(row),
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

  /** Checkouts being opened by this process, by shop and Shopify id. */
  const opening = new Map<string, Promise<Claim>>()

  async function openAndStore(session: PaymentSession, open: (session: PaymentSession) => Promise<Opened>): Promise<Claim> {
    const opened = await open(session)
    const stored = await one(
      `UPDATE ${T} SET redirect_url = $2, checkout_url = $3, expires_at = $4, decision = $5, reject_reason = $6, updated_at = now()
       WHERE id = $1 AND redirect_url IS NULL RETURNING *`,
      [session.id, opened.redirectUrl, opened.checkoutUrl ?? null, opened.expiresAt ?? null, opened.decision?.decision ?? null, opened.decision?.rejectReason ?? null]
    )
    if (stored) return { created: true, session: stored }
    // Another process stored its answer first (the same checkout, by the Idempotency-Key): it stands.
    const first = await one(`SELECT * FROM ${T} WHERE id = $1`, [session.id])
    if (!first) throw new Error(`payment session ${session.shopifyId} of ${session.shop} vanished while its checkout was opened`)
    return { created: false, session: first }
  }

  return {
    /**
     * Inserts the session or finds it, then opens its gateway checkout with no transaction and no
     * pooled connection held while the gateway (and the shop's pacer) answers. The row is committed
     * first; the checkout's Idempotency-Key is derived from the row's own reference and amount, so
     * a repeat after a crash or a failed call (the row still has no redirect_url) reopens the same
     * checkout. Concurrent repeats in this process wait on the first one's call instead of spending
     * the shop's gateway budget; the first stored answer wins (`redirect_url IS NULL`).
     */
    async claim(input: NewPaymentSession, open: (session: PaymentSession) => Promise<Opened>): Promise<Claim> {
      const inserted = await one(
        `INSERT INTO ${T} (shop, shopify_id, gid, reference, amount_cents, currency, kind, test, cancel_url)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (shop, shopify_id) DO NOTHING RETURNING *`,
        [input.shop, input.shopifyId, input.gid, input.reference, input.amountCents, input.currency, input.kind, input.test, input.cancelUrl]
      )
      const existing = inserted ?? (await one(`SELECT * FROM ${T} WHERE shop = $1 AND shopify_id = $2`, [input.shop, input.shopifyId]))
      if (!existing) throw new Error(`payment session ${input.shopifyId} of ${input.shop} vanished while being claimed`)
      if (existing.redirectUrl !== null) return { created: false, session: existing }
      // A repeat with another amount or currency opens nothing: the caller answers it a conflict.
      if (!inserted && (existing.amountCents !== input.amountCents || existing.currency !== input.currency)) return { created: false, session: existing }

      const key = `${existing.shop}\n${existing.shopifyId}`
      const pending = opening.get(key)
      if (pending) return { created: false, session: (await pending).session }
      const started = openAndStore(existing, open).finally(() => opening.delete(key))
      opening.set(key, started)
      return started
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
