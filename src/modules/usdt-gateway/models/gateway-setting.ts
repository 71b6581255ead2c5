import { model } from "@medusajs/framework/utils"

/**
 * The gateway settings of the store: a single row (id `default`). Secrets are stored only in
 * the encrypted `v1:<iv>:<tag>:<ciphertext>` form written by ../crypto.ts.
 */
export const GatewaySetting = model.define("usdt_gateway_setting", {
  id: model.id().primaryKey(),
  /** Numeric merchant id from the gateway's Integration page. */
  merchant_id: model.text().nullable(),
  /** Gateway origin; null means the production URL. */
  base_url: model.text().nullable(),
  api_key_encrypted: model.text().nullable(),
  webhook_secret_encrypted: model.text().nullable(),
  /** The secret being rotated out: webhooks signed with it still verify until it is cleared. */
  previous_webhook_secret_encrypted: model.text().nullable(),
  /** Up to when the reconciliation job has looked at the gateway's payments. */
  reconcile_high_water_mark: model.dateTime().nullable(),
})

export default GatewaySetting
