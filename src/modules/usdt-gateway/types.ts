/**
 * The module's public shapes. `GatewayCredentials` is the gateway core's (decrypted, for
 * server use only), re-exported for the module's callers.
 */
import type { InferTypeOf } from "@medusajs/framework/types"
import type { GatewayCredentials } from "../../gateway/config"
import type { ReconciliationRun, WebhookDelivery } from "./models"

export type { GatewayCredentials }

/**
 * A save. Every field is optional: a field left out keeps its stored value. `null` clears a
 * value (`base_url: null` means the production URL; `previous_webhook_secret: null` ends a
 * rotation).
 */
export interface SaveSettingsInput {
  merchant_id?: string
  base_url?: string | null
  api_key?: string | null
  webhook_secret?: string | null
  previous_webhook_secret?: string | null
}

/** A secret as the admin may see it: whether it is set, and its last 4 characters at most. */
export interface MaskedSecret {
  is_set: boolean
  /** The last 4 characters, or null when unset or shorter than 12 characters. */
  last4: string | null
}

export interface MaskedSettings {
  merchant_id: string | null
  base_url: string | null
  api_key: MaskedSecret
  webhook_secret: MaskedSecret
  previous_webhook_secret: MaskedSecret
  updated_at: Date | null
  /** Whether USDT_ENCRYPTION_KEY is usable, and if not, why. */
  encryption: { ready: boolean; message: string | null }
}

/** What the webhook route knows about one delivery; the body's fields are read from raw_body. */
export interface RecordWebhookDeliveryInput {
  /** The raw request body, exactly as received (it holds no secret). Never pass headers. */
  raw_body: string | Uint8Array
  verified: boolean
  /** Why it was refused or not acted on (e.g. `no_matching_signature`, `merchant_mismatch`). */
  reason?: string | null
  /** What the route did (e.g. `captured`, `ignored`, `rejected`, `recorded_without_effect`). */
  outcome?: string | null
  received_at?: Date
  /** A verified delivery the receiving process will process itself: claimed from the start (see claimWebhookDelivery). */
  claimed_at?: Date | null
}

export type WebhookDeliveryRecord = InferTypeOf<typeof WebhookDelivery>
export type ReconciliationRunRecord = InferTypeOf<typeof ReconciliationRun>

export interface Page<T> {
  items: T[]
  count: number
  limit: number
  offset: number
}

export interface PageInput {
  limit?: number
  offset?: number
}

export interface StartReconciliationRunInput {
  window_from?: Date | null
  window_to?: Date | null
  started_at?: Date
}

/** Counters and outcome of a run; every field optional so a running job may update as it goes. */
export interface UpdateReconciliationRunInput {
  status?: ReconciliationRunRecord["status"]
  finished_at?: Date | null
  window_from?: Date | null
  window_to?: Date | null
  pages?: number
  payments_seen?: number
  healed?: number
  expired?: number
  discrepancies?: Record<string, unknown>[] | null
  duration_ms?: number | null
  requests?: number
  rate_limited?: number
  error?: string | null
}
