/**
 * The USDT payment provider. Shoppers pay on the gateway's hosted checkout; the gateway
 * captures on payment, so a paid checkout is reported as `captured` and Medusa records the
 * capture itself. Every answer about a payment comes from asking the gateway, never from the
 * storefront; the webhook route (src/api/hooks/usdt) only decides *when* to ask.
 */
import type {
  AuthorizePaymentInput,
  AuthorizePaymentOutput,
  CancelPaymentInput,
  CancelPaymentOutput,
  CapturePaymentInput,
  CapturePaymentOutput,
  DeletePaymentInput,
  DeletePaymentOutput,
  GetPaymentStatusInput,
  GetPaymentStatusOutput,
  InitiatePaymentInput,
  InitiatePaymentOutput,
  Logger,
  ProviderWebhookPayload,
  RefundPaymentInput,
  RefundPaymentOutput,
  RetrievePaymentInput,
  RetrievePaymentOutput,
  UpdatePaymentInput,
  UpdatePaymentOutput,
  WebhookActionResult,
} from "@medusajs/framework/types"
import { AbstractPaymentProvider, MedusaError, PaymentActions, PaymentSessionStatus } from "@medusajs/framework/utils"
import { formatCents, type GatewayClient, PacerQueueTimeoutError, toCents } from "../../gateway"
import { usdtGatewayIn } from "../../modules/usdt-gateway/saved-credentials"
import { assertUsd, centsOf } from "./checkout"
import { gatewayClientFor, resolveGatewayCredentials } from "./credentials"
import { holdsConfirmedPayment, isCompletionFailureRefund, refundNoteReader } from "./completion-compensation"
import { gatewayCall } from "./errors"
import { findGatewayPayment, type LookupOptions } from "./lookup"
import { type UsdtProviderOptions, validateUsdtOptions } from "./options"
import { refundLedgerIn } from "../../modules/usdt-gateway/refund-ledger"
import { answerBetweenPolls, checkReasonOf, DEFAULT_STOREFRONT_POLL_INTERVAL_MS, pendingWithoutSlot, POLL_MAX_QUEUE_MS, withCheckTime } from "./poll-budget"
import { refundThroughGateway } from "./refund"
import { readSessionData, recordFlag, type UsdtSessionData } from "./session-data"
import { collectionReader, expireCheckoutRecord, sessionCheckout } from "./session-checkout"
import { type OriginRule, readStorefrontUrls, type StorefrontUrls, storefrontOriginRules } from "./storefront-data"
import { assessGatewayPayment, type PaymentAssessment } from "./status"

type UsdtLogger = Pick<Logger, "info" | "warn" | "error">

/** The store's CORS origins (`projectConfig.http.storeCors`) from a module cradle, if it has the config. */
function storeCorsOf(cradle: Record<string, unknown>): string | undefined {
  try {
    const config: unknown = cradle.configModule
    const http = typeof config === "object" && config !== null ? Reflect.get(Reflect.get(config, "projectConfig") ?? {}, "http") : undefined
    const cors = typeof http === "object" && http !== null ? Reflect.get(http, "storeCors") : undefined
    return typeof cors === "string" ? cors : undefined
  } catch {
    return undefined
  }
}

function isLogger(value: unknown): value is UsdtLogger {
  return typeof value === "object" && value !== null && "warn" in value && typeof value.warn === "function"
}

class UsdtPaymentProviderService extends AbstractPaymentProvider<UsdtProviderOptions> {
  static identifier = "usdt"

  static validateOptions(options: Record<string, unknown>): void {
    validateUsdtOptions(options)
  }

  protected readonly options_: UsdtProviderOptions
  protected readonly logger_: UsdtLogger
  /** Where the storefront's success_url / cancel_url may lead. */
  protected readonly storefrontOrigins_: OriginRule[]

  constructor(cradle: Record<string, unknown>, options: UsdtProviderOptions) {
    super(cradle, options)
    this.options_ = validateUsdtOptions(options)
    let logger: unknown
    try {
      logger = cradle.logger
    } catch {
      logger = undefined
    }
    this.logger_ = isLogger(logger) ? logger : console
    this.storefrontOrigins_ = storefrontOriginRules(this.options_, storeCorsOf(cradle))
  }

  protected async client(): Promise<GatewayClient> {
    return gatewayClientFor(await resolveGatewayCredentials(this.options_, this.container), this.options_.http)
  }

  protected sessionIdOf(data: UsdtSessionData, context?: { idempotency_key?: string }): string {
    const id = data.session_id ?? context?.idempotency_key
    if (!id) throw new MedusaError(MedusaError.Types.INVALID_DATA, "USDT payment data has no Medusa payment session id")
    return id
  }

  /** The session's checkout: reused, adopted or newly opened (see checkout-plan.ts). */
  protected async checkoutFor(sessionId: string, amountCents: number, urls: StorefrontUrls, attempt: number, currentAttempt: number): Promise<Record<string, unknown>> {
    const deps = {
      client: () => this.client(),
      options: this.options_,
      ledger: usdtGatewayIn(this.container),
      collectionOf: collectionReader(this.container),
    }
    return sessionCheckout(deps, { sessionId, amountCents, urls, attempt, currentAttempt })
  }

  /**
   * A new session. The storefront may send only `success_url` and `cancel_url`, each on a
   * storefront origin; any other field is refused (400): session data is the provider's.
   */
  async initiatePayment(input: InitiatePaymentInput): Promise<InitiatePaymentOutput> {
    assertUsd(input.currency_code)
    const given = input.data ?? {}
    const urls = readStorefrontUrls(given, this.storefrontOrigins_, true)
    const sessionId = this.sessionIdOf(readSessionData(given), input.context)
    const data = await this.checkoutFor(sessionId, centsOf(input.amount), urls, 0, 0)
    return { id: sessionId, status: PaymentSessionStatus.PENDING, data }
  }

  /**
   * An update hands back the whole data: only its `session_id` and the storefront URLs are
   * read; the checkout comes from the session's checkout record (kept while open at the same
   * amount, else reused, adopted or renewed), never from the fields given.
   */
  async updatePayment(input: UpdatePaymentInput): Promise<UpdatePaymentOutput> {
    assertUsd(input.currency_code)
    const given = input.data ?? {}
    const current = readSessionData(given)
    const urls = readStorefrontUrls(given, this.storefrontOrigins_, false)
    const currentAttempt = typeof given.checkout_attempt === "number" ? given.checkout_attempt : 0
    const data = await this.checkoutFor(this.sessionIdOf(current, input.context), centsOf(input.amount), urls, currentAttempt + 1, currentAttempt)
    return { data, status: PaymentSessionStatus.PENDING }
  }

  /**
   * Asks the gateway about the session's checkout and folds the answer and its flags into the
   * data: by the record id a confirmation names, else as `findGatewayPayment` finds it.
   */
  protected async check(
    given: Record<string, unknown> | undefined,
    context: { idempotency_key?: string } | undefined,
    lookup: LookupOptions,
    resolved?: GatewayClient
  ): Promise<{ assessment: PaymentAssessment; data: Record<string, unknown> }> {
    const raw = given ?? {}
    const current = readSessionData(raw)
    const sessionId = this.sessionIdOf(current, context)
    const client = resolved ?? (await this.client())
    // A session that reuses (or adopted) another session's checkout finds it by that session's note.
    const note = current.checkout_note ?? sessionId
    const payment = await gatewayCall("check the USDT payment", () => findGatewayPayment(client, note, current, lookup))
    if (current.amount_cents === undefined) {
      throw new MedusaError(MedusaError.Types.INVALID_DATA, `USDT payment session ${sessionId} does not record the amount it asked for`)
    }
    const assessment = assessGatewayPayment(payment, {
      amountCents: current.amount_cents,
      expiresAt: current.expires_at,
      canceledAt: current.flags?.canceled?.at,
    })
    if (assessment.status === PaymentSessionStatus.CANCELED) await expireCheckoutRecord(usdtGatewayIn(this.container), note)
    let data: Record<string, unknown> = { ...raw, session_id: sessionId }
    if (payment) {
      data = {
        ...data,
        gateway_payment_id: payment.id,
        gateway_status: payment.status,
        ...(assessment.paidCents !== undefined ? { paid_amount: formatCents(assessment.paidCents) } : {}),
      }
    }
    for (const flag of assessment.flags) data = recordFlag(data, flag)
    return { assessment, data }
  }

  /**
   * A confirmation (webhook, reconciliation) asks for the record it names, with the client its
   * delivery context resolved; a storefront poll asks at most once per session per
   * `storefrontPollIntervalMs` (see poll-budget.ts).
   */
  async authorizePayment(input: AuthorizePaymentInput): Promise<AuthorizePaymentOutput> {
    const reason = checkReasonOf(input.context)
    if (reason.kind === "confirmation") {
      const { client, ...lookup } = reason
      const { assessment, data } = await this.check(input.data, input.context, lookup, client)
      return { status: assessment.status, data }
    }
    return this.poll(input.data, input.context)
  }

  async getPaymentStatus(input: GetPaymentStatusInput): Promise<GetPaymentStatusOutput> {
    return this.poll(input.data, input.context)
  }

  protected async poll(
    given: Record<string, unknown> | undefined,
    context: { idempotency_key?: string } | undefined
  ): Promise<{ status: PaymentSessionStatus; data: Record<string, unknown> }> {
    const now = Date.now()
    const known = answerBetweenPolls(given, now, this.options_.storefrontPollIntervalMs ?? DEFAULT_STOREFRONT_POLL_INTERVAL_MS)
    if (known) return known
    try {
      const { assessment, data } = await this.check(given, context, { priority: "poll", narrow: true, maxQueueMs: POLL_MAX_QUEUE_MS })
      return { status: assessment.status, data: withCheckTime(data, now) }
    } catch (error) {
      if (!(error instanceof PacerQueueTimeoutError)) throw error
      return pendingWithoutSlot(given, now)
    }
  }

  async retrievePayment(input: RetrievePaymentInput): Promise<RetrievePaymentOutput> {
    const { data } = await this.check(input.data, input.context, { priority: "poll" })
    return { data }
  }

  /** The gateway captures on payment: capture is a check that the payment was made in full. Idempotent. */
  async capturePayment(input: CapturePaymentInput): Promise<CapturePaymentOutput> {
    const { assessment, data } = await this.check(input.data, input.context, { priority: "confirm" })
    if (assessment.status !== PaymentSessionStatus.CAPTURED) {
      throw new MedusaError(
        MedusaError.Types.NOT_ALLOWED,
        `The USDT payment cannot be captured: the gateway reports it as ${String(data.gateway_status ?? "not paid")}` +
          (assessment.status === PaymentSessionStatus.REQUIRES_MORE ? " and paid less than the amount asked" : "")
      )
    }
    return { data }
  }

  /**
   * Refunds through the gateway's refund endpoint, keeping each refund in the plugin's refund
   * ledger (./refund.ts): an over-refund, or a refund while an earlier one is unsettled, is
   * refused before any call; the gateway gets an Idempotency-Key derived from Medusa's refund;
   * a refund whose outcome is unknown is recorded as uncertain and never repeated blindly.
   */
  async refundPayment(input: RefundPaymentInput): Promise<RefundPaymentOutput> {
    const medusaRefundId = input.context?.idempotency_key
    if (await isCompletionFailureRefund(refundNoteReader(this.container), medusaRefundId)) {
      // See completion-compensation.ts: the next completion makes the order with this payment.
      this.logger_.warn(
        `USDT payment for session ${String(input.data?.session_id ?? "?")}: Medusa's failed cart completion asked to refund it; ` +
          "refused: the cart stays open with the captured payment and the next completion makes its order"
      )
      throw new MedusaError(
        MedusaError.Types.NOT_ALLOWED,
        "A confirmed USDT payment is not refunded because one cart completion failed: the next completion makes the order with it"
      )
    }
    const amountCents = centsOf(input.amount, "refund amount")
    let data: Record<string, unknown> = input.data ?? {}
    let current = readSessionData(data)
    if (!current.gateway_payment_id || !current.paid_amount) {
      data = (await this.check(data, input.context, { priority: "confirm" })).data
      current = readSessionData(data)
    }
    const paymentId = current.gateway_payment_id
    if (!paymentId || !current.paid_amount) {
      throw new MedusaError(MedusaError.Types.NOT_ALLOWED, "There is no paid USDT payment on the gateway to refund for this session")
    }
    const paidCents = toCents(current.paid_amount, "paid_amount")
    const outcome = await refundThroughGateway({
      client: await this.client(),
      ledger: refundLedgerIn(this.container),
      logger: this.logger_,
      gatewayPaymentId: paymentId,
      paidCents,
      amountCents,
      kind: "refund",
      paymentSessionId: current.session_id,
      medusaRefundId,
      reason: `Refund from the store admin${medusaRefundId ? ` (${medusaRefundId})` : ""}`,
    })
    // The gateway moves the record to partially_refunded / refunded once the refund is done: keep
    // the data's view in step then; a refund the gateway answered `pending` is settled later.
    const settledStatus = outcome.completedCents >= paidCents ? "refunded" : "partially_refunded"
    return { data: { ...data, gateway_status: outcome.settled ? settledStatus : current.gateway_status } }
  }

  /** No cancel endpoint exists: the data is marked, so a payment arriving later is flagged, not lost. */
  async cancelPayment(input: CancelPaymentInput): Promise<CancelPaymentOutput> {
    const data = recordFlag(input.data ?? {}, { kind: "canceled", reason: "payment_canceled" })
    this.logger_.info(`USDT payment for session ${String(data.session_id ?? "?")} canceled in Medusa; a late gateway payment will be flagged`)
    return { data }
  }

  async deletePayment(input: DeletePaymentInput): Promise<DeletePaymentOutput> {
    if (holdsConfirmedPayment(input.data)) {
      // Medusa re-creating the session after a failed cart completion (completion-compensation.ts).
      throw new MedusaError(
        MedusaError.Types.NOT_ALLOWED,
        `USDT payment session ${String(input.data?.session_id ?? "?")} holds a payment the gateway confirmed: it stays, and the next completion makes the order with it`
      )
    }
    const data = recordFlag(input.data ?? {}, { kind: "canceled", reason: "session_deleted" })
    this.logger_.info(
      `USDT payment session ${String(data.session_id ?? "?")} deleted in Medusa; its gateway checkout stays open until it expires: ` +
        "a payment made on it completes the cart if still open, else is listed as paid, no order"
    )
    return { data }
  }

  /**
   * Medusa's generic /hooks/payment/usdt_usdt route is not this provider's webhook: checkouts
   * send the gateway to /hooks/usdt, which verifies synchronously. Anything arriving here is
   * acknowledged without effect.
   */
  async getWebhookActionAndData(_payload: ProviderWebhookPayload["payload"]): Promise<WebhookActionResult> {
    this.logger_.warn("A call reached /hooks/payment/usdt_*: USDT webhooks are processed only at /hooks/usdt; ignored")
    return { action: PaymentActions.NOT_SUPPORTED }
  }
}

export default UsdtPaymentProviderService
