/**
 * The usdt_gateway module's service: the gateway settings (one row, secrets encrypted with
 * ./crypto.ts), the webhook delivery log and the reconciliation runs. Secrets leave this
 * service only decrypted through retrieveCredentials (for the server's own calls) or masked
 * through retrieveMaskedSettings; no method logs a secret or puts one in an error.
 */
import type { Context } from "@medusajs/framework/types"
import { InjectTransactionManager, MedusaContext, MedusaError, MedusaService } from "@medusajs/framework/utils"
import { PRODUCTION_BASE_URL } from "../../gateway/config"
import {
  decryptSecret,
  ENCRYPTION_KEY_ENV,
  EncryptionKeyError,
  encryptionKeyFromEnv,
  encryptionStatus,
  encryptSecret,
  SecretDecryptionError,
} from "./crypto"
import { bodyText, readDeliveryFields } from "./delivery-fields"
import { maskSecret } from "./masking"
import { CheckoutRecord, GatewaySetting, ReconciliationRun, RefundLedgerRow, WebhookDelivery } from "./models"
import { assertRefundable, type RefundLedgerRecord, type ReserveRefundInput, type SettleRefundInput } from "./refund-ledger"
import type {
  GatewayCredentials,
  MaskedSecret,
  MaskedSettings,
  Page,
  PageInput,
  ReconciliationRunRecord,
  RecordWebhookDeliveryInput,
  SaveSettingsInput,
  StartReconciliationRunInput,
  UpdateReconciliationRunInput,
  WebhookDeliveryRecord,
} from "./types"

/** The id of the single settings row. */
export const SETTINGS_ROW_ID = "default"

/** An unverified body is kept only up to this many bytes (a verified one is kept whole, for replay). */
const MAX_UNVERIFIED_BODY_BYTES = 1024
/** Rejected (unverified) deliveries logged one by one per minute; past that, one counted summary row. */
export const MAX_REJECTED_PER_MINUTE = 60
const MINUTE_MS = 60_000
/** The reason of a summary row that stands for rejected deliveries not logged one by one. */
export const RATE_LIMITED_REASON = "rate_limited"
/** The outcomes of a verified delivery still to be processed (by the receiving process or the retry job). */
export const UNPROCESSED_OUTCOMES = ["queued", "retry"] as const
/**
 * How long a claim on a delivery holds. A process that died while holding one leaves it to the
 * retry job once it is this old. It outlasts one processing attempt (completeUsdtPayment waits
 * at most 90 s for its lock, and the gateway call its timeout and retries), and each in-process
 * retry renews it; should one run past it, a second processing is still one order (see
 * process-delivery.ts). Shorter is a quicker recovery after a crash.
 */
export const DELIVERY_CLAIM_LEASE_MS = 4 * 60_000
const DEFAULT_PAGE = 20
const MAX_PAGE = 100

const SECRET_FIELDS = ["api_key", "webhook_secret", "previous_webhook_secret"] as const
type SecretField = (typeof SECRET_FIELDS)[number]
const SECRET_COLUMNS = {
  api_key: "api_key_encrypted",
  webhook_secret: "webhook_secret_encrypted",
  previous_webhook_secret: "previous_webhook_secret_encrypted",
} as const satisfies Record<SecretField, string>
/** What a transaction's manager offers (MikroORM's, as Medusa passes it): its knex transaction. */
interface TransactionManager {
  getTransactionContext(): { raw(sql: string, bindings: readonly string[]): Promise<unknown> } | undefined
}
type SettingsRow = Awaited<ReturnType<UsdtGatewayModuleService["listGatewaySettings"]>>[number]

function pageOf(input: PageInput): { take: number; skip: number } {
  const take = Math.min(Math.max(Math.trunc(input.limit ?? DEFAULT_PAGE), 1), MAX_PAGE)
  const skip = Math.max(Math.trunc(input.offset ?? 0), 0)
  return { take, skip }
}

class UsdtGatewayModuleService extends MedusaService({
  GatewaySetting,
  // Keyed apart from the models' names so that the generated CRUD methods
  // (createWebhookDeliveryEntries, listAndCountReconciliationRunEntries…) leave the domain
  // names (listWebhookDeliveries, listReconciliationRuns) to the methods below.
  WebhookDeliveryEntry: WebhookDelivery,
  ReconciliationRunEntry: ReconciliationRun,
  RefundLedgerEntry: RefundLedgerRow,
  // Session → cart records of the checkouts the provider opened (listCheckoutRecords…).
  CheckoutRecord,
}) {
  /** The settings row, or null before the first save. */
  protected async settingsRow_(): Promise<SettingsRow | null> {
    const [row] = await this.listGatewaySettings({ id: SETTINGS_ROW_ID }, { take: 1 })
    return row ?? null
  }

  /** Writes the row, creating it on the first save. */
  protected async writeSettingsRow_(data: Partial<Omit<SettingsRow, "id">>): Promise<void> {
    const existing = await this.settingsRow_()
    if (existing) {
      await this.updateGatewaySettings({ id: SETTINGS_ROW_ID, ...data })
    } else {
      await this.createGatewaySettings({ id: SETTINGS_ROW_ID, ...data })
    }
  }

  /** The encryption key, or a MedusaError saying why there is none (a 400 in the admin API). */
  protected encryptionKey_(): Buffer {
    try {
      return encryptionKeyFromEnv()
    } catch (error) {
      if (error instanceof EncryptionKeyError) throw new MedusaError(MedusaError.Types.NOT_ALLOWED, error.message)
      throw error
    }
  }

  protected decrypt_(row: SettingsRow, field: SecretField, key: Buffer): string | null {
    const stored = row[SECRET_COLUMNS[field]]
    return stored ? decryptSecret(stored, key, field) : null
  }

  /**
   * The decrypted credentials the provider calls the gateway with, or null when the merchant
   * id or the API key is not saved (the provider then falls back to its options). Throws a
   * clear error when secrets are saved but USDT_ENCRYPTION_KEY is missing or is another key.
   */
  async retrieveCredentials(): Promise<GatewayCredentials | null> {
    // Callers that ask while a read is under way share it: a burst of webhooks makes one query,
    // not one each. The first caller after it reads again, and a save drops a read under way,
    // so a saved change is seen by the next caller as before.
    if (!this.credentialsRead_) {
      const read = this.readCredentials_()
      this.credentialsRead_ = read
      void read.then(
        () => this.forgetRead_(read),
        () => this.forgetRead_(read)
      )
    }
    return this.credentialsRead_
  }

  private credentialsRead_: Promise<GatewayCredentials | null> | null = null

  private forgetRead_(read: Promise<GatewayCredentials | null>): void {
    if (this.credentialsRead_ === read) this.credentialsRead_ = null
  }

  protected async readCredentials_(): Promise<GatewayCredentials | null> {
    const row = await this.settingsRow_()
    if (!row?.merchant_id || !row.api_key_encrypted) return null
    const key = this.encryptionKey_()
    const apiKey = this.decrypt_(row, "api_key", key)
    if (!apiKey) return null
    const webhookSecrets = [this.decrypt_(row, "webhook_secret", key), this.decrypt_(row, "previous_webhook_secret", key)]
    return {
      baseUrl: row.base_url ?? PRODUCTION_BASE_URL,
      merchantId: row.merchant_id,
      apiKey,
      webhookSecrets: webhookSecrets.filter((secret): secret is string => Boolean(secret)),
    }
  }

  /**
   * Saves the settings. A field left undefined keeps its stored value; `null` clears it. Any
   * secret to store needs USDT_ENCRYPTION_KEY (else a NOT_ALLOWED error naming the variable).
   * Input is expected validated (the admin route does it with zod).
   */
  async saveSettings(input: SaveSettingsInput): Promise<MaskedSettings> {
    const data: Partial<Omit<SettingsRow, "id">> = {}
    if (input.merchant_id !== undefined) data.merchant_id = input.merchant_id
    if (input.base_url !== undefined) data.base_url = input.base_url
    const key = SECRET_FIELDS.some((field) => typeof input[field] === "string") ? this.encryptionKey_() : null
    for (const field of SECRET_FIELDS) {
      const value = input[field]
      if (value === null) data[SECRET_COLUMNS[field]] = null
      else if (value !== undefined && key) data[SECRET_COLUMNS[field]] = encryptSecret(value, key, field)
    }
    await this.writeSettingsRow_(data)
    this.credentialsRead_ = null
    return this.retrieveMaskedSettings()
  }

  /**
   * The settings as the admin may see them: secrets reduced to "is set" and their last 4
   * characters. Never throws for a secret it cannot decrypt: it says so in `encryption.message`.
   */
  async retrieveMaskedSettings(): Promise<MaskedSettings> {
    const row = await this.settingsRow_()
    const status = encryptionStatus()
    const key = status.ready ? encryptionKeyFromEnv() : null
    const unreadable: SecretField[] = []
    const masked = (field: SecretField): MaskedSecret => {
      const stored = row?.[SECRET_COLUMNS[field]]
      if (!stored) return { is_set: false, last4: null }
      if (!key) return { is_set: true, last4: null }
      try {
        return maskSecret(decryptSecret(stored, key, field))
      } catch (error) {
        if (!(error instanceof SecretDecryptionError)) throw error
        unreadable.push(field)
        return { is_set: true, last4: null }
      }
    }
    const secrets = { api_key: masked("api_key"), webhook_secret: masked("webhook_secret"), previous_webhook_secret: masked("previous_webhook_secret") }
    const encryption =
      unreadable.length === 0
        ? status
        : {
            ready: true,
            message: `The saved ${unreadable.join(", ")} cannot be decrypted: ${ENCRYPTION_KEY_ENV} is not the key it was saved with. Restore that key, or save the secrets again.`,
          }
    return {
      merchant_id: row?.merchant_id ?? null,
      base_url: row?.base_url ?? null,
      ...secrets,
      updated_at: row?.updated_at ?? null,
      encryption,
    }
  }

  /**
   * Logs one webhook received at /hooks/usdt. The body's non-secret fields (event, payment
   * record id, merchant id, note, amount, currency) are read from raw_body; request headers
   * are never taken, as they carry the API key.
   */
  async recordWebhookDelivery(input: RecordWebhookDeliveryInput): Promise<WebhookDeliveryRecord> {
    if (!input.verified) return this.recordRejected_(input)
    const body = bodyText(input.raw_body)
    return this.createWebhookDeliveryEntries({
      ...readDeliveryFields(body),
      received_at: input.received_at ?? new Date(),
      verified: true,
      reason: input.reason ?? null,
      outcome: input.outcome ?? null,
      raw_body: body,
      claimed_at: input.claimed_at ?? null,
    })
  }

  /**
   * Verified deliveries still to be processed (`queued` or `retry`), received before
   * `receivedBefore`, tried fewer than `maxAttempts` times and held by no live claim; oldest first.
   */
  async listDeliveriesToProcess(input: { receivedBefore: Date; maxAttempts: number; limit: number; now?: Date }): Promise<WebhookDeliveryRecord[]> {
    const leaseStart = new Date((input.now ?? new Date()).getTime() - DELIVERY_CLAIM_LEASE_MS)
    return this.listWebhookDeliveryEntries(
      {
        verified: true,
        outcome: [...UNPROCESSED_OUTCOMES],
        received_at: { $lt: input.receivedBefore },
        attempts: { $lt: input.maxAttempts },
        $or: [{ claimed_at: null }, { claimed_at: { $lt: leaseStart } }],
      },
      { take: input.limit, order: { received_at: "ASC", id: "ASC" } }
    )
  }

  /**
   * Takes a delivery still to be processed for this caller, in one conditional UPDATE: true
   * when it is now this caller's, false when it is settled or another process holds a claim
   * younger than DELIVERY_CLAIM_LEASE_MS. So two instances (or two runs of the retry job) never
   * process one delivery at the same time.
   */
  @InjectTransactionManager()
  async claimWebhookDelivery(id: string, @MedusaContext() sharedContext: Context<TransactionManager> = {}): Promise<boolean> {
    const knex = sharedContext.transactionManager?.getTransactionContext()
    if (!knex) throw new MedusaError(MedusaError.Types.UNEXPECTED_STATE, "claimWebhookDelivery must run inside a transaction")
    const result = await knex.raw(
      `update "usdt_webhook_delivery" set "claimed_at" = now(), "updated_at" = now()
        where "id" = ? and "deleted_at" is null and "verified" = true and "outcome" in (${UNPROCESSED_OUTCOMES.map(() => "?").join(", ")})
          and ("claimed_at" is null or "claimed_at" < now() - (? || ' milliseconds')::interval)
        returning "id"`,
      [id, ...UNPROCESSED_OUTCOMES, String(DELIVERY_CLAIM_LEASE_MS)]
    )
    const rows = (result as { rows?: unknown[] } | undefined)?.rows ?? []
    return rows.length === 1
  }

  /**
   * Records one processing attempt of a delivery: its outcome, reason and the attempts made so
   * far (the caller holds the claim, so it knows them: no read before the write). A settled
   * outcome (anything but `retry` with `keepClaim`) releases the claim and stamps processed_at.
   */
  async recordDeliveryAttempt(
    id: string,
    input: { outcome: string; reason: string | null; attempts: number; keepClaim?: boolean }
  ): Promise<WebhookDeliveryRecord> {
    const now = new Date()
    return this.updateWebhookDeliveryEntries({
      id,
      outcome: input.outcome,
      reason: input.reason,
      attempts: input.attempts,
      claimed_at: input.keepClaim ? now : null,
      processed_at: input.outcome === "retry" ? null : now,
    })
  }

  /** Rejected deliveries, one at a time in this process, so that the minute's count and its summary row hold. */
  private rejectedQueue_: Promise<unknown> = Promise.resolve()

  /**
   * A rejected delivery is anyone's write: at most 1 KB of its body is kept, and past
   * MAX_REJECTED_PER_MINUTE in the last minute they are counted on one summary row instead.
   */
  protected recordRejected_(input: RecordWebhookDeliveryInput): Promise<WebhookDeliveryRecord> {
    const run = this.rejectedQueue_.then(async () => {
      const now = input.received_at ?? new Date()
      const since = new Date(now.getTime() - MINUTE_MS)
      const recent = await this.listWebhookDeliveryEntries({ verified: false, received_at: { $gt: since } }, { select: ["id", "reason", "suppressed"], take: MAX_REJECTED_PER_MINUTE + 10 })
      const summary = recent.find((row) => row.reason === RATE_LIMITED_REASON)
      if (summary) return this.updateWebhookDeliveryEntries({ id: summary.id, suppressed: (summary.suppressed ?? 0) + 1 })
      if (recent.length >= MAX_REJECTED_PER_MINUTE) {
        return this.createWebhookDeliveryEntries({
          received_at: now,
          verified: false,
          reason: RATE_LIMITED_REASON,
          outcome: "suppressed",
          raw_body: "",
          suppressed: 1,
        })
      }
      const body = Buffer.from(bodyText(input.raw_body), "utf8").subarray(0, MAX_UNVERIFIED_BODY_BYTES).toString("utf8")
      return this.createWebhookDeliveryEntries({ ...readDeliveryFields(body), received_at: now, verified: false, reason: input.reason ?? null, outcome: input.outcome ?? null, raw_body: body })
    })
    this.rejectedQueue_ = run.catch(() => undefined)
    return run
  }

  /** Deletes delivery log rows received before `before`, in batches; answers how many went. */
  async pruneWebhookDeliveries(before: Date): Promise<number> {
    let deleted = 0
    for (;;) {
      const old = await this.listWebhookDeliveryEntries({ received_at: { $lt: before } }, { select: ["id"], take: 1000 })
      if (old.length === 0) return deleted
      await this.deleteWebhookDeliveryEntries(old.map((row) => row.id))
      deleted += old.length
    }
  }

  /** The delivery log, newest first (limit 1–100, default 20). */
  async listWebhookDeliveries(input: PageInput = {}): Promise<Page<WebhookDeliveryRecord>> {
    const { take, skip } = pageOf(input)
    const [items, count] = await this.listAndCountWebhookDeliveryEntries({}, { take, skip, order: { received_at: "DESC", id: "DESC" } })
    return { items, count, limit: take, offset: skip }
  }

  /** One delivery by id, or null. */
  async retrieveWebhookDelivery(id: string): Promise<WebhookDeliveryRecord | null> {
    const [delivery] = await this.listWebhookDeliveryEntries({ id }, { take: 1 })
    return delivery ?? null
  }

  /** Notes that an admin replayed a delivery, and what the replay did (the original outcome stays). */
  async markWebhookDeliveryReplayed(id: string, outcome: string): Promise<WebhookDeliveryRecord> {
    return this.updateWebhookDeliveryEntries({ id, replay_outcome: outcome, replayed_at: new Date() })
  }

  /** Opens a reconciliation run in status `running`. */
  async startReconciliationRun(input: StartReconciliationRunInput = {}): Promise<ReconciliationRunRecord> {
    return this.createReconciliationRunEntries({
      started_at: input.started_at ?? new Date(),
      window_from: input.window_from ?? null,
      window_to: input.window_to ?? null,
      status: "running",
    })
  }

  /** Updates a run's counters or outcome (set `status` and `finished_at` to close it). */
  async updateReconciliationRun(id: string, input: UpdateReconciliationRunInput): Promise<ReconciliationRunRecord> {
    return this.updateReconciliationRunEntries({ id, ...input })
  }

  /** Reconciliation runs, newest first (limit 1–100, default 20). */
  async listReconciliationRuns(input: PageInput = {}): Promise<Page<ReconciliationRunRecord>> {
    const { take, skip } = pageOf(input)
    const [items, count] = await this.listAndCountReconciliationRunEntries({}, { take, skip, order: { started_at: "DESC", id: "DESC" } })
    return { items, count, limit: take, offset: skip }
  }

  /** Up to when the reconciliation job has looked at the gateway's payments; null before its first run. */
  async getReconcileHighWaterMark(): Promise<Date | null> {
    const row = await this.settingsRow_()
    return row?.reconcile_high_water_mark ?? null
  }

  /** Moves the reconciliation high-water mark (creates the settings row if needed). */
  async setReconcileHighWaterMark(mark: Date): Promise<void> {
    await this.writeSettingsRow_({ reconcile_high_water_mark: mark })
  }

  /**
   * Writes a `pending` ledger row for a refund about to be sent, after checking, under a
   * transaction-scoped PostgreSQL advisory lock on the gateway payment (so two instances cannot
   * both pass the check), that no earlier refund is unsettled and the amount is still refundable.
   * The same idempotency key returns its existing row.
   */
  @InjectTransactionManager()
  async reserveRefund(input: ReserveRefundInput, @MedusaContext() sharedContext: Context<TransactionManager> = {}): Promise<RefundLedgerRecord> {
    const knex = sharedContext.transactionManager?.getTransactionContext()
    if (!knex) throw new MedusaError(MedusaError.Types.UNEXPECTED_STATE, "reserveRefund must run inside a transaction")
    await knex.raw("select pg_advisory_xact_lock(hashtext(?))", [`usdt_refund:${input.gateway_payment_id}`])
    const [same] = await this.listRefundLedgerEntries({ idempotency_key: input.idempotency_key }, { take: 1 }, sharedContext)
    if (same) return same
    const rows = await this.listRefundLedgerEntries({ gateway_payment_id: input.gateway_payment_id }, {}, sharedContext)
    assertRefundable(rows, input.amount_cents, input.paid_cents)
    const { paid_cents: _paid, ...row } = input
    return this.createRefundLedgerEntries({ ...row, status: "pending" }, sharedContext)
  }

  /** Records what became of a ledger row (the gateway's answer, or what settling found). */
  async settleRefund(id: string, input: SettleRefundInput): Promise<RefundLedgerRecord> {
    const pending = input.status === "pending" || input.status === "uncertain"
    return this.updateRefundLedgerEntries({ id, ...input, settled_at: pending ? null : new Date() })
  }

  /** The ledger rows of some gateway payments, oldest first. */
  async listRefunds(gatewayPaymentIds: readonly string[]): Promise<RefundLedgerRecord[]> {
    if (gatewayPaymentIds.length === 0) return []
    return this.listRefundLedgerEntries({ gateway_payment_id: [...gatewayPaymentIds] }, { order: { created_at: "ASC", id: "ASC" } })
  }
}

export default UsdtGatewayModuleService
