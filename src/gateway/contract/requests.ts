/**
 * What an integration sends the gateway: the checkout-session and refund bodies and the
 * payments list's query. The client checks every request against these before it is sent, and
 * the sandbox validates what it receives with the very same schemas (adding only its own
 * minimum amount), so the two directions cannot disagree on a request.
 */
import { z } from "zod"
import { isoBoundParam } from "./dates"
import { dollarsField, optionalTextField, optionalUrlField, textField, urlField, wholeNumberParam } from "./fields"
import { PAYMENT_STATUSES } from "./status"

const NOT_AN_OBJECT = { error: "The request body must be a JSON object." }

/** POST /api/v1/merchant/checkout-session. `username`, the page's alias of `note`, is read by the sandbox. */
export const checkoutRequestSchema = z.looseObject(
  {
    amount: dollarsField("amount"),
    note: textField("note", 255),
    notify_url: urlField("notify url"),
    success_url: optionalUrlField("success url"),
    cancel_url: optionalUrlField("cancel url"),
  },
  NOT_AN_OBJECT
)
/** The body as an integration writes it (amounts as JSON numbers with at most two decimals). */
export interface CheckoutRequest {
  amount: number | string
  note: string
  notify_url: string
  success_url?: string
  cancel_url?: string
}

/** POST /api/v1/merchant/payments/{id}/refund. */
export const refundRequestSchema = z.looseObject(
  {
    amount: dollarsField("amount").refine((cents) => cents > 0, { error: "The amount must be at least 0.01." }),
    reason: optionalTextField("reason", 500),
  },
  NOT_AN_OBJECT
)
export interface RefundRequest {
  amount: number | string
  reason?: string
}

/** The largest page the contract lets an integration ask for. */
export const MAX_PER_PAGE = 100

/**
 * GET /api/v1/merchant/payments: the query as sent (all strings). `from` and `to` are ISO 8601
 * dates or date-times (UTC unless an offset is given), read as date bounds; `to` is inclusive.
 */
export const listPaymentsQuerySchema = z.looseObject({
  merchant: z.string().optional(),
  status: z.enum(PAYMENT_STATUSES, { error: `The selected status is invalid; use one of ${PAYMENT_STATUSES.join(", ")}.` }).optional(),
  from: isoBoundParam("from").optional(),
  to: isoBoundParam("to").optional(),
  per_page: wholeNumberParam("per page", 1, MAX_PER_PAGE).optional(),
  page: wholeNumberParam("page", 1, Number.MAX_SAFE_INTEGER).optional(),
})
export type ListPaymentsQuery = z.input<typeof listPaymentsQuerySchema>
