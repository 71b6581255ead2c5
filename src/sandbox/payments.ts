/**
 * The merchant's read endpoints: GET /payments/{id} (404 unless it is this merchant's),
 * GET /payments (a Laravel page, ids ascending, filtered on created_at and status) and
 * GET /balance.
 */
import { z } from "zod"
import { PAYMENT_STATUSES, paymentsPageSchema } from "../gateway/schemas"
import type { SandboxContext } from "./context"
import { isoBoundParam, queryObject, wholeNumberParam } from "./fields"
import { type Answer, jsonAnswer, problem } from "./http"
import { type PaymentState, statusAt } from "./payment-state"
import { balanceView, conform, paymentView } from "./payment-view"
import type { MerchantState } from "./store"
import { upperLimitMs } from "./time"
import { validate } from "./validation"

export const MAX_PER_PAGE = 100
export const DEFAULT_PER_PAGE = 15

const listQuerySchema = z.looseObject({
  status: z.enum(PAYMENT_STATUSES, { error: `The selected status is invalid; use one of ${PAYMENT_STATUSES.join(", ")}.` }).optional(),
  from: isoBoundParam("from").optional(),
  to: isoBoundParam("to").optional(),
  per_page: wholeNumberParam("per page", 1, MAX_PER_PAGE).optional(),
  page: wholeNumberParam("page", 1, Number.MAX_SAFE_INTEGER).optional(),
})

/** This merchant's payment, or undefined (someone else's reads as missing). */
export function merchantPayment(context: SandboxContext, merchant: MerchantState, id: string): PaymentState | undefined {
  const payment = context.store.payment(Number(id))
  return payment && payment.merchantId === merchant.id ? payment : undefined
}

export const paymentNotFound = (): Answer => problem(404, "Payment not found.")

export function getPayment(context: SandboxContext, merchant: MerchantState, id: string): Answer {
  const payment = merchantPayment(context, merchant, id)
  return payment ? jsonAnswer(200, paymentView(payment, context.now())) : paymentNotFound()
}

export function listPayments(context: SandboxContext, merchant: MerchantState, query: URLSearchParams): Answer {
  const parsed = validate(listQuerySchema, queryObject(query))
  if (!parsed.ok) return parsed.answer
  const { status, from, to, per_page: perPage = DEFAULT_PER_PAGE, page = 1 } = parsed.data
  const now = context.now()
  const matching = context.store.payments(merchant.id).filter((payment) => {
    if (from && payment.createdAt < from.ms) return false
    if (to && payment.createdAt >= upperLimitMs(to)) return false
    return !status || statusAt(payment, now) === status
  })
  const total = matching.length
  const data = matching.slice((page - 1) * perPage, page * perPage).map((payment) => paymentView(payment, now))
  return jsonAnswer(
    200,
    conform(paymentsPageSchema, {
      data,
      current_page: page,
      per_page: perPage,
      last_page: Math.max(1, Math.ceil(total / perPage)),
      total,
    })
  )
}

export function getBalance(context: SandboxContext, merchant: MerchantState): Answer {
  return jsonAnswer(200, balanceView(context.store.payments(merchant.id), context.now()))
}
