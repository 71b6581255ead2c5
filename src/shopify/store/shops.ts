/**
 * Installed shops and their gateway credentials. The API key and webhook secrets are stored
 * encrypted (AES-256-GCM, each value bound to its column and its shop), read back only here.
 */
import type { Pool } from "pg"
import { decryptSecret, encryptSecret } from "../../secrets/aes-gcm"
import { SCHEMA } from "../db/migrations"

export interface GatewayCredentials {
  merchantId: string
  apiKey: string
  webhookSecret: string
  /** The secret being rotated out, still accepted on webhooks. */
  previousWebhookSecret?: string
}

export interface ShopRecord {
  shop: string
  installed: boolean
  credentials: GatewayCredentials | null
  credentialsUpdatedAt: Date | null
}

interface ShopRow {
  shop: string
  uninstalled_at: Date | null
  merchant_id: string | null
  api_key_enc: string | null
  webhook_secret_enc: string | null
  previous_webhook_secret_enc: string | null
  credentials_updated_at: Date | null
}

const aad = (column: string, shop: string) => `${SCHEMA}.shops.${column}:${shop}`

export function createShopStore(pool: Pool, key: Buffer) {
  function decode(row: ShopRow): ShopRecord {
    const hasCredentials = row.merchant_id !== null && row.api_key_enc !== null && row.webhook_secret_enc !== null
    return {
      shop: row.shop,
      installed: row.uninstalled_at === null,
      credentialsUpdatedAt: row.credentials_updated_at,
      credentials:
        hasCredentials && row.merchant_id && row.api_key_enc && row.webhook_secret_enc
          ? {
              merchantId: row.merchant_id,
              apiKey: decryptSecret(row.api_key_enc, key, aad("api_key", row.shop)),
              webhookSecret: decryptSecret(row.webhook_secret_enc, key, aad("webhook_secret", row.shop)),
              previousWebhookSecret: row.previous_webhook_secret_enc
                ? decryptSecret(row.previous_webhook_secret_enc, key, aad("previous_webhook_secret", row.shop))
                : undefined,
            }
          : null,
    }
  }

  return {
    /** After OAuth: the shop is (again) installed. */
    async markInstalled(shop: string): Promise<void> {
      await pool.query(
        `INSERT INTO ${SCHEMA}.shops (shop) VALUES ($1)
         ON CONFLICT (shop) DO UPDATE SET installed_at = now(), uninstalled_at = NULL`,
        [shop]
      )
    },

    async markUninstalled(shop: string): Promise<void> {
      await pool.query(`UPDATE ${SCHEMA}.shops SET uninstalled_at = now() WHERE shop = $1`, [shop])
    },

    async get(shop: string): Promise<ShopRecord | null> {
      const { rows } = await pool.query<ShopRow>(`SELECT * FROM ${SCHEMA}.shops WHERE shop = $1`, [shop])
      return rows[0] ? decode(rows[0]) : null
    },

    /** Saves (or replaces) the shop's gateway credentials, encrypted. The shop must be installed. */
    async saveCredentials(shop: string, credentials: GatewayCredentials): Promise<boolean> {
      const { rowCount } = await pool.query(
        `UPDATE ${SCHEMA}.shops SET merchant_id = $2, api_key_enc = $3, webhook_secret_enc = $4,
           previous_webhook_secret_enc = $5, credentials_updated_at = now()
         WHERE shop = $1`,
        [
          shop,
          credentials.merchantId,
          encryptSecret(credentials.apiKey, key, aad("api_key", shop)),
          encryptSecret(credentials.webhookSecret, key, aad("webhook_secret", shop)),
          credentials.previousWebhookSecret
            ? encryptSecret(credentials.previousWebhookSecret, key, aad("previous_webhook_secret", shop))
            : null,
        ]
      )
      return rowCount === 1
    },

    async clearCredentials(shop: string): Promise<void> {
      await pool.query(
        `UPDATE ${SCHEMA}.shops SET merchant_id = NULL, api_key_enc = NULL, webhook_secret_enc = NULL,
           previous_webhook_secret_enc = NULL, credentials_updated_at = now() WHERE shop = $1`,
        [shop]
      )
    },
  }
}

export type ShopStore = ReturnType<typeof createShopStore>
