/**
 * POST /api/v1/merchant/checkout-session: validates the body with the contract's request
 * schema (amount of at least the sandbox's minimum, note or its alias username, notify_url,
 * optional success_url and cancel_url), opens a pending payment record and answers 201 with checkout_url,
 * invoice_url (the same) and expires_at. The answer carries no payment id: the page promises
 * none, so integrations must correlate by note (see the contract).
 */
import { randomBytes } from "node:crypto"
import { z } from "zod"
import { checkoutRequestSchema } from "../gateway/contract"
import { formatCents } from "../gateway/money"
import type { SandboxContext } from "./context"
import { type Answer, jsonAnswer } from "./http"
import { openPayment } from "./payment-state"
import { checkoutSessionView } from "./payment-view"
import type { MerchantState } from "./store"
import { validate } from "./validation"

/** `username` is the page's alias for `note`: it fills note when note is absent or blank. */
function aliasUsername(body: unknown): unknown {
  if (typeof body !== "object" || body === null || Array.isArray(body)) return body
  const fields: Record<string, unknown> = { ...body }
  const note = fields.note
  if ((note === undefined || note === null || note === "") && fields.username !== undefined) fields.note = fields.username
  return fields
}

/** The contract's checkout request, plus this sandbox's minimum amount. */
export function checkoutBodySchema(minAmountCents: number) {
  const atLeast = checkoutRequestSchema.shape.amount.refine((cents) => cents >= minAmountCents, {
    error: `The amount must be at least ${formatCents(minAmountCents)} USD.`,
  })
  return z.preprocess(aliasUsername, checkoutRequestSchema.extend({ amount: atLeast }))
}

export type CheckoutBody = z.output<ReturnType<typeof checkoutBodySchema>>

export function createCheckoutHandler(context: SandboxContext) {
  const schema = checkoutBodySchema(context.options.minAmountCents)
  return function createCheckoutSession(merchant: MerchantState, body: unknown): Answer {
    const parsed = validate(schema, body)
    if (!parsed.ok) return parsed.answer
    const input = parsed.data
    const now = context.now()
    const id = context.store.nextPaymentId()
    const payment = context.store.save(
      openPayment({
        id,
        merchantId: merchant.id,
        token: context.store.newToken(),
        note: input.note,
        amountCents: input.amount,
        notifyUrl: input.notify_url,
        successUrl: input.success_url ?? null,
        cancelUrl: input.cancel_url ?? null,
        merchantTradeNo: `SBX${String(id).padStart(8, "0")}${randomBytes(4).toString("hex").toUpperCase()}`,
        createdAt: now,
        expiresAt: now + context.options.checkoutTtlMs,
      })
    )
    context.log.info(`checkout ${payment.id} opened for merchant ${merchant.id}: ${formatCents(payment.amountCents)} USD, note ${JSON.stringify(payment.note)}`)
    return jsonAnswer(201, checkoutSessionView(payment, context.baseUrl))
  }
}
