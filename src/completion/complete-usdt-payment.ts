/**
 * The one completion path for a USDT payment, shared by the webhook route and reconciliation:
 *
 *   1. the notice must be a `payment.completed` of this store's merchant, in USD, whose note
 *      names a USDT payment session of a cart: anything else is an outcome without effect;
 *   2. under the cart's lock (the key completeCartWorkflow and processPaymentWorkflow use), an
 *      order the cart already has is final: made with this session's payment, the outcome is
 *      `already_completed`; without it, `cart_already_ordered` (a manual refund). This is never
 *      decided before the lock, where the storefront's own completion may be half-way. Without
 *      an order, the session is authorized through the payment module: the provider asks the gateway for the
 *      record the notice names (one GET payments/{id}, its note checked against the session, never
 *      a listing), so the gateway's record (not the notice) decides, and a paid checkout becomes one payment with
 *      one capture; an underpaid one is refused and its shortfall recorded on the session;
 *   3. the cart is completed into an order with Medusa's completeCartWorkflow, which takes the
 *      same lock and returns the existing order when another path (a duplicate webhook, the
 *      storefront's own POST /store/carts/:id/complete) got there first.
 *
 * Duplicates and races therefore end with one payment, one capture and one order (Medusa
 * issue #13301). A failure that may pass (gateway unavailable, lock timeout, database) throws
 * UsdtCompletionRetryableError so that the caller answers 5xx and the gateway retries; a
 * gateway failure that will not pass (its `retryable` is false: credentials refused, an answer
 * in an unexpected format) is thrown as it is, with its message for the admin.
 */
import type { Logger, MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, MedusaError, Modules, PaymentSessionStatus } from "@medusajs/framework/utils"
import { completeCartWorkflow } from "@medusajs/medusa/core-flows"
import { type GatewayClient, PAYMENT_COMPLETED } from "../gateway"
import type { UsdtDeliveryContext } from "../providers/usdt/delivery-context"
import { gatewayFailureOf } from "../providers/usdt/errors"
import { confirmationContext } from "../providers/usdt/poll-budget"
import { readSessionData } from "../providers/usdt/session-data"
import { recordCheckoutOutcome, resolveReplacedSession } from "./late-payment"
import { findCartOfCollection, findOrderOfCart, findOrderOfCollection, findPaymentSession } from "./payment-records"
import type { UsdtPaymentNotice } from "./payment-notice"

export type UsdtCompletionOutcome =
  /** This call authorized the payment and the cart's order exists now. */
  | "completed"
  /** The payment was already authorized and the order already existed. */
  | "already_completed"
  /** Paid less than the session asked: not captured, shortfall recorded on the session. */
  | "underpaid"
  /** The gateway does not (yet) report the checkout as paid (reconciliation only). */
  | "not_paid"
  | "ignored_event"
  | "foreign_merchant"
  | "wrong_currency"
  /** The note names nothing this provider opened. */
  | "unknown_note"
  /** The note is a Medusa payment session id, but that session was deleted (cart changed, other method chosen). */
  | "session_not_found"
  /** The cart became an order without this session's payment: the money needs a manual refund. */
  | "cart_already_ordered"
  /** Paid for a replaced session's checkout that cannot make an order (cart ordered otherwise, amount short): listed with a refund button. */
  | "paid_no_order"
  /** Completing the cart failed for good (e.g. out of stock): the captured payment is listed as paid, no order, with its refund. */
  | "cart_completion_failed"

export interface UsdtCompletionResult {
  outcome: UsdtCompletionOutcome
  source: "webhook" | "reconcile"
  gateway_payment_id: number
  payment_session_id?: string
  cart_id?: string
  order_id?: string
  /** Why, in words an admin understands. Never a secret. */
  detail?: string
}

export class UsdtCompletionRetryableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = "UsdtCompletionRetryableError"
  }
}

export interface CompleteUsdtPaymentInput {
  notice: UsdtPaymentNotice
  source: "webhook" | "reconcile"
  /** Resolved once by the caller (a delivery, a replay, a reconciliation run): registration, credentials, client. */
  delivery: UsdtDeliveryContext
}

/** Longest wait for the cart lock, in seconds (completeCartWorkflow holds it while it runs). */
const LOCK_TIMEOUT_SECONDS = 30
/** Longest wait for this plugin's per-cart completion lock (duplicates queue behind it). */
const COMPLETION_LOCK_TIMEOUT_SECONDS = 90

/** This plugin's own per-cart lock, held around a whole completion; reuse it to serialise with one. */
export function usdtCompletionLockKey(cartId: string): string {
  return `usdt-completion:${cartId}`
}
const MEDUSA_SESSION_ID = /^payses_[0-9A-Za-z]+$/

type Authorization = "authorized" | "underpaid" | "not_paid"
/** What the cart lock found: the cart's order already made (with this session's payment or not), or the authorization. */
type LockedVerdict = { orderId: string; withThisPayment: boolean } | { authorization: Authorization }

/** A gateway failure that will not pass by retrying (bad credentials, an answer in an unexpected format…). */
function isLastingGatewayFailure(error: unknown): boolean {
  return gatewayFailureOf(error)?.retryable === false
}

function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message
  if (typeof error === "object" && error !== null && "message" in error && typeof error.message === "string") return error.message
  return String(error)
}

function isPermanentMedusaError(error: unknown): boolean {
  if (typeof error !== "object" || error === null || !("type" in error)) return false
  return error.type === MedusaError.Types.NOT_ALLOWED || error.type === MedusaError.Types.INVALID_DATA
}

/** Authorizes through the provider, which confirms with one GET of the record the notice names. */
async function authorizeSession(container: MedusaContainer, sessionId: string, context: Record<string, unknown>): Promise<Authorization> {
  const paymentModule = container.resolve(Modules.PAYMENT)
  try {
    const payment = await paymentModule.authorizePaymentSession(sessionId, context)
    return payment ? "authorized" : "not_paid"
  } catch (error) {
    if (gatewayFailureOf(error)?.retryable) throw error
    const [session] = await paymentModule.listPaymentSessions({ id: sessionId }, { select: ["id", "status"] })
    if (session?.status === PaymentSessionStatus.REQUIRES_MORE) return "underpaid"
    if (session?.status === PaymentSessionStatus.PENDING || session?.status === PaymentSessionStatus.CANCELED) return "not_paid"
    throw error
  }
}

/**
 * Under the cart lock, so that no completion of this cart is half-way: the storefront's
 * completeCartWorkflow authorizes the session and makes the order while holding it. An order
 * found here is final; it carries this payment when the session became a payment and the order
 * holds the session's payment collection. Without an order, the session is authorized.
 */
async function authorizeUnlessOrdered(
  container: MedusaContainer,
  input: { cartId: string; sessionId: string; context: Record<string, unknown> }
): Promise<LockedVerdict> {
  const orderId = await findOrderOfCart(container, input.cartId)
  if (!orderId) return { authorization: await authorizeSession(container, input.sessionId, input.context) }
  const session = await findPaymentSession(container, input.sessionId)
  const withThisPayment = Boolean(session?.payment) && (await findOrderOfCollection(container, session?.payment_collection_id ?? "")) === orderId
  return { orderId, withThisPayment }
}

async function completeCart(container: MedusaContainer, cartId: string): Promise<{ orderId: string } | { failure: string }> {
  try {
    const { result } = await completeCartWorkflow(container).run({ input: { id: cartId } })
    return { orderId: result.id }
  } catch (error) {
    const orderId = await findOrderOfCart(container, cartId)
    if (orderId) return { orderId }
    if (isPermanentMedusaError(error)) return { failure: messageOf(error) }
    throw new UsdtCompletionRetryableError(`Completing cart ${cartId} failed: ${messageOf(error)}`, { cause: error })
  }
}

function underpaidDetail(data: Record<string, unknown> | null | undefined): string {
  const flag = readSessionData(data).flags?.underpaid
  const shortfall = flag && typeof flag.shortfall === "string" ? flag.shortfall : "?"
  return `paid less than asked: ${shortfall} USD short; not captured, recorded on the payment session`
}

export async function completeUsdtPayment(container: MedusaContainer, input: CompleteUsdtPaymentInput): Promise<UsdtCompletionResult> {
  const { notice, source, delivery } = input
  const logger: Logger = container.resolve(ContainerRegistrationKeys.LOGGER)
  const base = { source, gateway_payment_id: notice.gatewayPaymentId }
  const finish = (result: UsdtCompletionResult): UsdtCompletionResult => {
    const line = `USDT ${source}: gateway payment ${result.gateway_payment_id} → ${result.outcome}` +
      (result.payment_session_id ? ` (session ${result.payment_session_id})` : "") +
      (result.order_id ? ` order ${result.order_id}` : "") +
      (result.detail ? `: ${result.detail}` : "")
    if (result.outcome === "completed" || result.outcome === "already_completed") logger.info(line)
    else logger.warn(line)
    return result
  }

  if (notice.event !== PAYMENT_COMPLETED) {
    return finish({ ...base, outcome: "ignored_event", detail: `event ${JSON.stringify(notice.event)} is recorded without effect` })
  }
  const { providerId, credentials } = delivery
  if (notice.merchantId !== credentials.merchantId) {
    return finish({ ...base, outcome: "foreign_merchant", detail: `merchant ${notice.merchantId} is not this store's merchant` })
  }
  if (notice.currency.toUpperCase() !== "USD") {
    return finish({ ...base, outcome: "wrong_currency", detail: `currency ${notice.currency} is not USD` })
  }
  const note = notice.note?.trim()
  if (!note) return finish({ ...base, outcome: "unknown_note", detail: "the payment carries no note" })

  let session = await findPaymentSession(container, note)
  if (!session) {
    if (!MEDUSA_SESSION_ID.test(note)) return finish({ ...base, outcome: "unknown_note", detail: `note ${JSON.stringify(note)} names no payment session` })
    // The session was replaced: the checkout records know its cart (late-payment.ts).
    const late = await resolveReplacedSession(container, note, notice, providerId)
    if (!("session" in late)) return finish({ ...base, payment_session_id: note, ...late })
    session = late.session
  }
  const ids = { ...base, payment_session_id: session.id }
  if (session.provider_id !== providerId) {
    return finish({ ...ids, outcome: "unknown_note", detail: `session belongs to ${session.provider_id}` })
  }
  const cartId = await findCartOfCollection(container, session.payment_collection_id)
  if (!cartId) return finish({ ...ids, outcome: "unknown_note", detail: "the session's payment collection belongs to no cart" })
  const withCart = { ...ids, cart_id: cartId }

  const sessionId = session.id
  try {
    const result = await container.resolve(Modules.LOCKING).execute(
      usdtCompletionLockKey(cartId),
      () => settle(container, { ...withCart, sessionId, finish, client: delivery.client }),
      { timeout: COMPLETION_LOCK_TIMEOUT_SECONDS }
    )
    if (result.outcome === "completed" || result.outcome === "already_completed") {
      await recordCheckoutOutcome(container, note, notice, { kind: "completed", cart_id: cartId, order_id: result.order_id })
    } else if (result.outcome === "cart_already_ordered" || result.outcome === "underpaid" || result.outcome === "cart_completion_failed") {
      await recordCheckoutOutcome(container, note, notice, { kind: "paid_no_order", detail: result.detail, cart_id: cartId, order_id: result.order_id })
    }
    return result
  } catch (error) {
    if (error instanceof UsdtCompletionRetryableError || isLastingGatewayFailure(error)) throw error
    throw new UsdtCompletionRetryableError(`Completing USDT session ${sessionId} failed: ${messageOf(error)}`, { cause: error })
  }
}

interface SettleInput {
  source: "webhook" | "reconcile"
  gateway_payment_id: number
  payment_session_id: string
  cart_id: string
  sessionId: string
  finish: (result: UsdtCompletionResult) => UsdtCompletionResult
  /** The delivery's client, handed to the provider's authorization. */
  client: GatewayClient
}

/**
 * Runs under this plugin's own per-cart lock, so that deliveries of one payment are handled one
 * after the other and each reports exactly what it did; the storefront's completion does not
 * take this lock, and is kept consistent by the cart lock that both take around authorization.
 */
async function settle(container: MedusaContainer, input: SettleInput): Promise<UsdtCompletionResult> {
  const { sessionId, finish, client, ...withCart } = input
  const cartId = withCart.cart_id
  const session = await findPaymentSession(container, sessionId)
  if (!session) return finish({ ...withCart, outcome: "session_not_found", detail: "the payment session was deleted meanwhile" })
  // Read before the cart lock, only to answer a replay at once. An order seen here without this
  // payment may be the storefront's completion half-way (order made, authorization not yet
  // visible to this read): only the cart lock can tell, so "ordered without it" is decided there.
  const existingOrder = await findOrderOfCart(container, cartId)
  if (existingOrder && session.authorized_at && session.payment) {
    return finish({ ...withCart, outcome: "already_completed", order_id: existingOrder })
  }

  let verdict: LockedVerdict
  try {
    const locking = container.resolve(Modules.LOCKING)
    const context = confirmationContext(withCart.gateway_payment_id, withCart.source, client)
    verdict = await locking.execute(cartId, () => authorizeUnlessOrdered(container, { cartId, sessionId, context }), { timeout: LOCK_TIMEOUT_SECONDS })
  } catch (error) {
    // The gateway's own verdict on retrying travels with its failure; anything else may pass.
    if (isLastingGatewayFailure(error)) throw error
    throw new UsdtCompletionRetryableError(`Authorizing USDT session ${sessionId} failed: ${messageOf(error)}`, { cause: error })
  }
  if ("orderId" in verdict) {
    if (verdict.withThisPayment) return finish({ ...withCart, outcome: "already_completed", order_id: verdict.orderId })
    return finish({
      ...withCart,
      outcome: "cart_already_ordered",
      order_id: verdict.orderId,
      detail: "the cart was ordered without this payment; the money needs a manual refund",
    })
  }
  const { authorization } = verdict
  if (authorization === "underpaid") {
    const latest = await findPaymentSession(container, sessionId)
    return finish({ ...withCart, outcome: "underpaid", detail: underpaidDetail(latest?.data) })
  }
  if (authorization === "not_paid") {
    if (withCart.source === "webhook") {
      throw new UsdtCompletionRetryableError(`The gateway does not report the checkout of session ${sessionId} as paid yet`)
    }
    return finish({ ...withCart, outcome: "not_paid", detail: "the gateway does not report the checkout as paid" })
  }

  const orderBefore = await findOrderOfCart(container, cartId)
  if (orderBefore) return finish({ ...withCart, outcome: "already_completed", order_id: orderBefore })
  const completion = await completeCart(container, cartId)
  if ("failure" in completion) {
    return finish({
      ...withCart,
      outcome: "cart_completion_failed",
      detail: `the payment was captured but the cart could not be completed (${completion.failure}); listed as paid, no order: refund it or settle with the customer`,
    })
  }
  return finish({ ...withCart, outcome: "completed", order_id: completion.orderId })
}
