/**
 * The payment record's state machine, as pure functions: `openPayment` makes a record and
 * `transition(state, event)` answers the next record or a typed refusal. Nothing here reads a
 * clock, a store or the network; every event carries its own time.
 *
 *   pending ──pay──▶ completed ──refund──▶ partially_refunded ──refund──▶ refunded
 *      │                 └───────────────────full refund──────────────────────▲
 *      ├──cancel / expire──▶ expired
 *      └──(expires_at passes)──▶ expired   (read lazily by statusAt)
 *
 * A refund may settle later than it is made (the `refunds_pending` dialect): until its
 * `settlesAt` it is pending, counts against what is still refundable, but not yet as
 * refunded, and the status read at a time follows only the refunds settled by then.
 */
import { isPaidStatus, type KnownPaymentStatus as PaymentStatus } from "../gateway/contract"
import type { Cents } from "../gateway/money"
import { formatCents } from "../gateway/money"

export interface RefundEntry {
  id: number
  amountCents: Cents
  reason: string
  createdAt: number
  /** When the gateway counts it as done (equal to createdAt unless refunds settle later). */
  settlesAt: number
}

export interface PaymentState {
  readonly id: number
  readonly merchantId: number
  /** The `cs` token of the hosted checkout. */
  readonly token: string
  readonly note: string
  readonly amountCents: Cents
  readonly notifyUrl: string
  readonly successUrl: string | null
  readonly cancelUrl: string | null
  readonly merchantTradeNo: string
  readonly createdAt: number
  readonly expiresAt: number
  /** As stored; a pending record past `expiresAt` reads as expired (see statusAt). */
  readonly status: PaymentStatus
  readonly paidAt: number | null
  /** What the customer paid (total_amount); null until paid. */
  readonly paidCents: Cents | null
  readonly bybitPayId: string | null
  /** When the checkout was canceled or expired by hand. */
  readonly closedAt: number | null
  readonly closedBy: "cancel" | "expire" | null
  readonly refunds: readonly RefundEntry[]
}

export type OpenPaymentInput = Pick<
  PaymentState,
  "id" | "merchantId" | "token" | "note" | "amountCents" | "notifyUrl" | "successUrl" | "cancelUrl" | "merchantTradeNo" | "createdAt" | "expiresAt"
>

export type PaymentEvent =
  | { type: "pay"; at: number; paidCents: Cents; bybitPayId: string }
  | { type: "cancel"; at: number }
  | { type: "expire"; at: number }
  | { type: "refund"; at: number; refundId: number; amountCents: Cents; reason: string; settlesAt?: number }

export type TransitionRefusal = "already_paid" | "expired" | "not_paid" | "fully_refunded" | "refund_exceeds" | "invalid_amount"

export type Transition =
  | { ok: true; state: PaymentState }
  | { ok: false; refusal: TransitionRefusal; message: string }

export function openPayment(input: OpenPaymentInput): PaymentState {
  return {
    ...input,
    status: "pending",
    paidAt: null,
    paidCents: null,
    bybitPayId: null,
    closedAt: null,
    closedBy: null,
    refunds: [],
  }
}

/** Every refund made, settled or not: what is no longer refundable. */
export function refundedCents(state: PaymentState): Cents {
  return state.refunds.reduce((sum, refund) => sum + refund.amountCents, 0)
}

/** The refunds the gateway counts as done at `now`. */
export function settledRefundCents(state: PaymentState, now: number): Cents {
  return state.refunds.reduce((sum, refund) => sum + (refund.settlesAt <= now ? refund.amountCents : 0), 0)
}

/**
 * The status as of `now`: a pending checkout past its expiry is expired, and a paid record's
 * refund status follows the refunds settled by then.
 */
export function statusAt(state: PaymentState, now: number): PaymentStatus {
  if (state.status === "pending" && now >= state.expiresAt) return "expired"
  if (!isPaidStatus(state.status) || state.paidCents === null) return state.status
  const settled = settledRefundCents(state, now)
  if (settled === 0) return "completed"
  return settled >= state.paidCents ? "refunded" : "partially_refunded"
}

function refuse(refusal: TransitionRefusal, message: string): Transition {
  return { ok: false, refusal, message }
}

function closed(state: PaymentState, status: PaymentStatus): Transition | null {
  if (isPaidStatus(status)) return refuse("already_paid", `Payment ${state.id} is already paid.`)
  if (status === "expired") return refuse("expired", `The checkout of payment ${state.id} has expired or was canceled.`)
  return null
}

function pay(state: PaymentState, status: PaymentStatus, event: Extract<PaymentEvent, { type: "pay" }>): Transition {
  const refusal = closed(state, status)
  if (refusal) return refusal
  if (!Number.isSafeInteger(event.paidCents) || event.paidCents <= 0) {
    return refuse("invalid_amount", "A payment must be more than zero.")
  }
  return {
    ok: true,
    state: { ...state, status: "completed", paidAt: event.at, paidCents: event.paidCents, bybitPayId: event.bybitPayId },
  }
}

function close(state: PaymentState, status: PaymentStatus, event: Extract<PaymentEvent, { type: "cancel" | "expire" }>): Transition {
  if (status === "expired" && event.type === "expire") {
    return { ok: true, state: state.status === "expired" ? state : { ...state, status: "expired" } }
  }
  const refusal = closed(state, status)
  if (refusal) return refusal
  return { ok: true, state: { ...state, status: "expired", closedAt: event.at, closedBy: event.type } }
}

function refund(state: PaymentState, status: PaymentStatus, event: Extract<PaymentEvent, { type: "refund" }>): Transition {
  if (!isPaidStatus(status) || state.paidCents === null) {
    return refuse("not_paid", `Payment ${state.id} is ${status}: only a paid payment can be refunded.`)
  }
  if (!Number.isSafeInteger(event.amountCents) || event.amountCents <= 0) {
    return refuse("invalid_amount", "A refund must be more than zero.")
  }
  const remaining = state.paidCents - refundedCents(state)
  if (remaining <= 0) return refuse("fully_refunded", `Payment ${state.id} is already fully refunded.`)
  if (event.amountCents > remaining) {
    return refuse(
      "refund_exceeds",
      `The refund of ${formatCents(event.amountCents)} exceeds the ${formatCents(remaining)} still refundable on payment ${state.id}.`
    )
  }
  const entry = { id: event.refundId, amountCents: event.amountCents, reason: event.reason, createdAt: event.at, settlesAt: event.settlesAt ?? event.at }
  const refunds = [...state.refunds, entry]
  const next: PaymentStatus = event.amountCents === remaining ? "refunded" : "partially_refunded"
  return { ok: true, state: { ...state, status: next, refunds } }
}

/** The next record after `event`, or why the event is refused. Expiry is applied first. */
export function transition(state: PaymentState, event: PaymentEvent): Transition {
  const status = statusAt(state, event.at)
  switch (event.type) {
    case "pay":
      return pay(state, status, event)
    case "cancel":
    case "expire":
      return close(state, status, event)
    case "refund":
      return refund(state, status, event)
    default: {
      const unknown: never = event
      return unknown
    }
  }
}
