/**
 * The app's own tables, in their own schema, migrated at start-up. Each migration runs once, in
 * order, inside a transaction holding an advisory lock, so several app processes starting
 * together migrate once. Shopify's sessions live apart (the session storage makes its table).
 */
import type { Pool } from "pg"
import { inTransaction } from "./pool"

export const SCHEMA = "shopify_usdt"

const MIGRATIONS: readonly { id: string; sql: string }[] = [
  {
    id: "001_shops_payments_refunds",
    sql: `
      CREATE TABLE ${SCHEMA}.shops (
        shop text PRIMARY KEY,
        installed_at timestamptz NOT NULL DEFAULT now(),
        uninstalled_at timestamptz,
        merchant_id text,
        api_key_enc text,
        webhook_secret_enc text,
        previous_webhook_secret_enc text,
        credentials_updated_at timestamptz
      );
      CREATE TABLE ${SCHEMA}.payment_sessions (
        id bigserial PRIMARY KEY,
        shop text NOT NULL REFERENCES ${SCHEMA}.shops(shop),
        shopify_id text NOT NULL,
        gid text NOT NULL,
        reference text NOT NULL UNIQUE,
        amount_cents bigint NOT NULL,
        currency text NOT NULL,
        kind text NOT NULL,
        test boolean NOT NULL DEFAULT false,
        cancel_url text,
        checkout_url text,
        redirect_url text,
        expires_at timestamptz,
        decision text CHECK (decision IN ('resolve', 'reject')),
        reject_reason text,
        payment_record_id bigint,
        paid_cents bigint,
        status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved', 'rejected', 'failed')),
        status_detail text,
        next_action_url text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (shop, shopify_id)
      );
      CREATE TABLE ${SCHEMA}.refund_sessions (
        id bigserial PRIMARY KEY,
        shop text NOT NULL REFERENCES ${SCHEMA}.shops(shop),
        shopify_id text NOT NULL,
        gid text NOT NULL,
        payment_session_id bigint REFERENCES ${SCHEMA}.payment_sessions(id),
        payment_shopify_id text NOT NULL,
        amount_cents bigint NOT NULL,
        currency text NOT NULL,
        gateway_state text NOT NULL DEFAULT 'none' CHECK (gateway_state IN ('none', 'sending', 'refunded', 'refused')),
        gateway_refund_id text,
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'resolved', 'rejected', 'failed')),
        status_detail text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (shop, shopify_id)
      );
      CREATE INDEX refund_sessions_payment ON ${SCHEMA}.refund_sessions (payment_session_id);
    `,
  },
  {
    // #11: privacy (who paid, as keyed pseudonyms only), compliance requests, reconciliation runs.
    id: "011_privacy_reconcile",
    sql: `
      CREATE TABLE ${SCHEMA}.payment_customers (
        payment_session_id bigint PRIMARY KEY REFERENCES ${SCHEMA}.payment_sessions(id) ON DELETE CASCADE,
        shop text NOT NULL,
        email_ref text,
        phone_ref text
      );
      CREATE INDEX payment_customers_email ON ${SCHEMA}.payment_customers (shop, email_ref);
      CREATE INDEX payment_customers_phone ON ${SCHEMA}.payment_customers (shop, phone_ref);
      CREATE TABLE ${SCHEMA}.privacy_requests (
        id bigserial PRIMARY KEY,
        shop text NOT NULL,
        topic text NOT NULL,
        webhook_id text,
        outcome jsonb NOT NULL DEFAULT '{}'::jsonb,
        received_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE ${SCHEMA}.reconcile_runs (
        id bigserial PRIMARY KEY,
        shop text NOT NULL,
        started_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz,
        outcome jsonb NOT NULL DEFAULT '{}'::jsonb,
        error text
      );
      CREATE INDEX reconcile_runs_shop ON ${SCHEMA}.reconcile_runs (shop, started_at DESC);
    `,
  },
]

const LOCK_KEY = 0x5f_5553_4454 // "_USDT"

export function migrate(pool: Pool): Promise<string[]> {
  return inTransaction(pool, async (client) => {
    await client.query("SELECT pg_advisory_xact_lock($1)", [LOCK_KEY])
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${SCHEMA}`)
    await client.query(`CREATE TABLE IF NOT EXISTS ${SCHEMA}.migrations (id text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`)
    const done = new Set((await client.query<{ id: string }>(`SELECT id FROM ${SCHEMA}.migrations`)).rows.map((row) => row.id))
    const applied: string[] = []
    for (const migration of MIGRATIONS) {
      if (done.has(migration.id)) continue
      await client.query(migration.sql)
      await client.query(`INSERT INTO ${SCHEMA}.migrations (id) VALUES ($1)`, [migration.id])
      applied.push(migration.id)
    }
    return applied
  })
}
