/**
 * The merchant's read endpoints: GET /payments/{id} (404 unless it is this merchant's),
 * GET /payments (a Laravel page, ids ascending, filtered on created_at and status) and
 * GET /balance.
 */
import { listPaymentsQuerySchema, upperLimitMs } from "../gateway/contract"
import type { SandboxContext } from "./context"
import { queryObject } from "./fields"
import { type Answer, jsonAnswer, problem } from "./http"
import { type PaymentState, statusAt } from "./payment-state"
import { balanceView, paymentView } from "./payment-view"
import type { MerchantState } from "./store"
import { validate } from "./validation"

export const DEFAULT_PER_PAGE = 15

/** This merchant's payment, or undefined (someone else's reads as missing). */
export function merchantPayment(context: SandboxContext, merchant: MerchantState, id: string): PaymentState | undefined {
  const payment = context.store.payment(Number(id))
  return payment && payment.merchantId === merchant.id ? payment : undefined
}

export const paymentNotFound = (): Answer => problem(404, "Payment not found.")

export function getPayment(context: SandboxContext, merchant: MerchantState, id: string): Answer {
  const payment = merchantPayment(context, merchant, id)
  return payment ? jsonAnswer(200, context.dialects.payment(paymentView(payment, context.now()))) : paymentNotFound()
}

export function listPayments(context: SandboxContext, merchant: MerchantState, query: URLSearchParams): Answer {
  const parsed = validate(listPaymentsQuerySchema, queryObject(query))
  if (!parsed.ok) return parsed.answer
  const { status, from, to } = parsed.data
  const { perPage, page } = context.dialects.listPaging({ perPage: parsed.data.per_page ?? DEFAULT_PER_PAGE, page: parsed.data.page ?? 1 })
  const now = context.now()
  const matching = context.store.payments(merchant.id).filter((payment) => {
    if (from && payment.createdAt < from.ms) return false
    if (to && payment.createdAt >= upperLimitMs(to)) return false
    return !status || statusAt(payment, now) === status
  })
  const total = matching.length
  const data = matching.slice((page - 1) * perPage, page * perPage).map((payment) => paymentView(payment, now))
  const answer = { data, current_page: page, per_page: perPage, last_page: Math.max(1, Math.ceil(total / perPage)), total }
  return jsonAnswer(200, context.dialects.page(answer))
}

export function getBalance(context: SandboxContext, merchant: MerchantState): Answer {
  return jsonAnswer(200, context.dialects.balance(balanceView(context.store.payments(merchant.id), context.now())))
}
