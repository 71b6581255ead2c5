/**
 * Shopify's sessions at rest: the PostgreSQL session storage keeps the offline access token and
 * its refresh token in plain columns, so this wrapper stores them AES-256-GCM encrypted under
 * USDT_ENCRYPTION_KEY (like the gateway secrets) and decrypts them on load. A row written before
 * (a plain token) is still read as it is, and encrypted the next time it is stored.
 */
import { Session } from "@shopify/shopify-api"
import type { Pool } from "pg"
import { decryptSecret, encryptSecret } from "../secrets/aes-gcm"
import type { SessionStorage } from "./offline-tokens"

const ACCESS = "shopify_sessions.accessToken"
const REFRESH = "shopify_sessions.refreshToken"
const ENCRYPTED = /^v1:[^:]*:[^:]*:[^:]*$/

export function encryptedSessionStorage(inner: SessionStorage, key: Buffer): SessionStorage {
  const seal = (value: string | undefined, field: string) => (value ? encryptSecret(value, key, field) : value)
  const open = (value: string | undefined, field: string) => (value && ENCRYPTED.test(value) ? decryptSecret(value, key, field) : value)
  const map = (session: Session, how: typeof seal) =>
    new Session({ ...session.toObject(), accessToken: how(session.accessToken, ACCESS), refreshToken: how(session.refreshToken, REFRESH) })
  const read = (session: Session | undefined) => (session ? map(session, open) : undefined)

  return {
    storeSession: (session) => inner.storeSession(map(session, seal)),
    loadSession: async (id) => read(await inner.loadSession(id)),
    deleteSession: (id) => inner.deleteSession(id),
    deleteSessions: (ids) => inner.deleteSessions(ids),
    findSessionsByShop: async (shop) => (await inner.findSessionsByShop(shop)).map((session) => map(session, open)),
  }
}

/** The library makes the token columns varchar(255); an encrypted token is longer than the token: make them text. */
export async function widenTokenColumns(pool: Pool, table: string): Promise<void> {
  const { rows } = await pool.query<{ column_name: string }>(
    `SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 AND column_name IN ('accessToken', 'refreshToken') AND data_type <> 'text'`,
    [table]
  )
  for (const { column_name: column } of rows) await pool.query(`ALTER TABLE "${table}" ALTER COLUMN "${column}" TYPE text`)
}
