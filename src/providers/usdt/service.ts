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
import { formatCents, type GatewayClient, refundOutcome, toCents } from "../../gateway"
import { assertUsd, centsOf, openCheckout } from "./checkout"
import { gatewayClientFor, resolveGatewayCredentials } from "./credentials"
import { gatewayCall } from "./errors"
import { findGatewayPayment } from "./lookup"
import { type UsdtProviderOptions, validateUsdtOptions } from "./options"
import { readSessionData, recordedRefundCents, recordFlag, type UsdtSessionData } from "./session-data"
import { assessGatewayPayment, type PaymentAssessment } from "./status"

type UsdtLogger = Pick<Logger, "info" | "warn" | "error">

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
  }

  protected async client(): Promise<GatewayClient> {
    return gatewayClientFor(await resolveGatewayCredentials(this.options_, this.container), this.options_.http)
  }

  protected sessionIdOf(data: UsdtSessionData, context?: { idempotency_key?: string }): string {
    const id = data.session_id ?? context?.idempotency_key
    if (!id) throw new MedusaError(MedusaError.Types.INVALID_DATA, "USDT payment data has no Medusa payment session id")
    return id
  }

  async initiatePayment(input: InitiatePaymentInput): Promise<InitiatePaymentOutput> {
    assertUsd(input.currency_code)
    const given = input.data ?? {}
    const sessionId = this.sessionIdOf(readSessionData(given), input.context)
    const data = await openCheckout(await this.client(), this.options_, {
      sessionId,
      amountCents: centsOf(input.amount),
      attempt: 0,
      storefrontSuccessUrl: given.success_url,
      storefrontCancelUrl: given.cancel_url,
    })
    return { id: sessionId, status: PaymentSessionStatus.PENDING, data }
  }

  async updatePayment(input: UpdatePaymentInput): Promise<UpdatePaymentOutput> {
    assertUsd(input.currency_code)
    const given = input.data ?? {}
    const current = readSessionData(given)
    const amountCents = centsOf(input.amount)
    const expiresAt = current.expires_at ? Date.parse(current.expires_at) : Number.NaN
    const stillOpen = !Number.isNaN(expiresAt) && expiresAt > Date.now()
    if (current.checkout_url && current.amount_cents === amountCents && stillOpen) {
      return { data: given }
    }
    const attempt = typeof given.checkout_attempt === "number" ? given.checkout_attempt + 1 : 1
    const opened = await openCheckout(await this.client(), this.options_, {
      sessionId: this.sessionIdOf(current, input.context),
      amountCents,
      attempt,
      storefrontSuccessUrl: given.success_url,
      storefrontCancelUrl: given.cancel_url,
    })
    const { canceled: _superseded, ...flags } = current.flags ?? {}
    const kept = { ...(Object.keys(flags).length ? { flags } : {}), ...(current.needs_review ? { needs_review: true } : {}) }
    return { data: { ...given, ...opened, ...kept, gateway_payment_id: undefined, gateway_status: undefined, paid_amount: undefined }, status: PaymentSessionStatus.PENDING }
  }

  /** Asks the gateway about the session's checkout and folds the answer and its flags into the data. */
  protected async check(
    given: Record<string, unknown> | undefined,
    context?: { idempotency_key?: string }
  ): Promise<{ assessment: PaymentAssessment; data: Record<string, unknown> }> {
    const raw = given ?? {}
    const current = readSessionData(raw)
    const sessionId = this.sessionIdOf(current, context)
    const client = await this.client()
    const payment = await gatewayCall("check the USDT payment", () => findGatewayPayment(client, sessionId, current))
    if (current.amount_cents === undefined) {
      throw new MedusaError(MedusaError.Types.INVALID_DATA, `USDT payment session ${sessionId} does not record the amount it asked for`)
    }
    const assessment = assessGatewayPayment(payment, {
      amountCents: current.amount_cents,
      expiresAt: current.expires_at,
      canceledAt: current.flags?.canceled?.at,
    })
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

  async authorizePayment(input: AuthorizePaymentInput): Promise<AuthorizePaymentOutput> {
    const { assessment, data } = await this.check(input.data, input.context)
    return { status: assessment.status, data }
  }

  async getPaymentStatus(input: GetPaymentStatusInput): Promise<GetPaymentStatusOutput> {
    const { assessment, data } = await this.check(input.data, input.context)
    return { status: assessment.status, data }
  }

  async retrievePayment(input: RetrievePaymentInput): Promise<RetrievePaymentOutput> {
    const { data } = await this.check(input.data, input.context)
    return { data }
  }

  /** The gateway captures on payment: capture is a check that the payment was made in full. Idempotent. */
  async capturePayment(input: CapturePaymentInput): Promise<CapturePaymentOutput> {
    const { assessment, data } = await this.check(input.data, input.context)
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
   * Refunds through the gateway's refund endpoint. What this session paid and what was already
   * refunded through Medusa come from the payment data, so an over-refund is refused before any
   * call; a refund made elsewhere (the gateway dashboard) is caught by the gateway's 422, whose
   * message reaches the admin. Each refund's id and status are recorded in the payment data.
   */
  async refundPayment(input: RefundPaymentInput): Promise<RefundPaymentOutput> {
    const amountCents = centsOf(input.amount, "refund amount")
    let data: Record<string, unknown> = input.data ?? {}
    let current = readSessionData(data)
    if (!current.gateway_payment_id || !current.paid_amount) {
      data = (await this.check(data, input.context)).data
      current = readSessionData(data)
    }
    const paymentId = current.gateway_payment_id
    if (!paymentId || !current.paid_amount) {
      throw new MedusaError(MedusaError.Types.NOT_ALLOWED, "There is no paid USDT payment on the gateway to refund for this session")
    }
    const paidCents = toCents(current.paid_amount, "paid_amount")
    const refundedCents = recordedRefundCents(current)
    if (amountCents > paidCents - refundedCents) {
      throw new MedusaError(
        MedusaError.Types.INVALID_DATA,
        `Cannot refund ${formatCents(amountCents)} USD: ${formatCents(paidCents)} USD was paid and ${formatCents(refundedCents)} USD ` +
          `already refunded, so at most ${formatCents(Math.max(0, paidCents - refundedCents))} USD can be refunded.`,
        "usdt_refund_exceeds_paid"
      )
    }
    const medusaRefundId = input.context?.idempotency_key
    const reason = `Refund from the store admin${medusaRefundId ? ` (${medusaRefundId})` : ""}`
    const client = await this.client()
    const refund = await gatewayCall("refund the USDT payment", () => client.refundPayment(paymentId, { amountCents, reason }))
    const outcome = refundOutcome(refund.status)
    if (outcome === "failed") {
      throw new MedusaError(
        MedusaError.Types.NOT_ALLOWED,
        `The USDT gateway did not make the refund: refund ${refund.refund_id} is ${refund.status}`,
        "usdt_gateway_refused"
      )
    }
    this.logger_.info(`USDT refund ${refund.refund_id} (${refund.status}) of ${formatCents(amountCents)} USD on gateway payment ${paymentId}`)
    // The gateway moves the record to partially_refunded / refunded once the refund is done: keep
    // the data's view in step then; a pending refund (recorded with its status) is confirmed later.
    const settledStatus = refundedCents + amountCents >= paidCents ? "refunded" : "partially_refunded"
    const gatewayStatus = outcome === "succeeded" ? settledStatus : current.gateway_status
    return {
      data: recordFlag({ ...data, gateway_status: gatewayStatus }, { kind: "refund", refundId: refund.refund_id, status: refund.status, amountCents, reason, medusaRefundId }),
    }
  }

  /** No cancel endpoint exists: the data is marked, so a payment arriving later is flagged, not lost. */
  async cancelPayment(input: CancelPaymentInput): Promise<CancelPaymentOutput> {
    const data = recordFlag(input.data ?? {}, { kind: "canceled", reason: "payment_canceled" })
    this.logger_.info(`USDT payment for session ${String(data.session_id ?? "?")} canceled in Medusa; a late gateway payment will be flagged`)
    return { data }
  }

  async deletePayment(input: DeletePaymentInput): Promise<DeletePaymentOutput> {
    const data = recordFlag(input.data ?? {}, { kind: "canceled", reason: "session_deleted" })
    this.logger_.info(
      `USDT payment session ${String(data.session_id ?? "?")} deleted in Medusa; its gateway checkout stays open until it expires ` +
        "and a payment made on it will be reported by the webhook as session_not_found"
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
