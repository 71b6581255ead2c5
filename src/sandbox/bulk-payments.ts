/**
 * POST /__sandbox/payments/bulk: makes many paid payment records at once, for benchmarks and
 * tests of reconciliation (ten thousand checkouts paid through the API would take the whole
 * rate budget). The records are what a paid checkout leaves behind: created at evenly spread
 * instants of [created_from, created_to], paid in full at their creation, no webhook sent.
 *
 *   { count, merchant_id?, amount?, note_prefix?, created_from, created_to }
 *   → 201 { created, first_id, last_id }
 */
import { randomBytes } from "node:crypto"
import { z } from "zod"
import type { SandboxContext } from "./context"
import { dollarsField, isoBoundParam } from "../gateway/contract"
import { type Answer, jsonAnswer, problem } from "./http"
import { openPayment, transition } from "./payment-state"
import { validate } from "./validation"

/** The largest batch one call makes. */
export const MAX_BULK_PAYMENTS = 50_000

const bulkBodySchema = z
  .strictObject(
    {
      count: z
        .number({ error: "The count field must be a whole number." })
        .int({ error: "The count field must be a whole number." })
        .min(1, { error: "The count must be at least 1." })
        .max(MAX_BULK_PAYMENTS, { error: `The count must not be greater than ${MAX_BULK_PAYMENTS}.` }),
      merchant_id: z.number({ error: "The merchant id must be a number." }).int().positive().optional(),
      amount: dollarsField("amount").refine((cents) => cents > 0, { error: "The amount must be at least 0.01." }).optional(),
      note_prefix: z.string({ error: "The note prefix must be a string." }).max(200).optional(),
      created_from: isoBoundParam("created from"),
      created_to: isoBoundParam("created to"),
    },
    { error: (issue) => (issue.code === "unrecognized_keys" ? `Unknown field: ${issue.keys.join(", ")}.` : "The body must be a JSON object.") }
  )
  .refine((body) => body.created_from.ms <= body.created_to.ms, { error: "created_from must not be after created_to.", path: ["created_to"] })

export function createBulkPayments(context: SandboxContext, body: unknown): Answer {
  const parsed = validate(bulkBodySchema, body)
  if (!parsed.ok) return parsed.answer
  const input = parsed.data
  const merchantId = input.merchant_id ?? context.store.merchants.keys().next().value
  if (merchantId === undefined || !context.store.merchants.has(merchantId)) return problem(404, `No merchant ${merchantId} in this sandbox.`)
  const amountCents = input.amount ?? 1_000
  const prefix = input.note_prefix ?? "bulk-"
  const from = input.created_from.ms
  const step = input.count > 1 ? (input.created_to.ms - from) / (input.count - 1) : 0
  let firstId = 0
  let lastId = 0
  for (let index = 0; index < input.count; index++) {
    const id = context.store.nextPaymentId()
    const createdAt = Math.round(from + step * index)
    const opened = openPayment({
      id,
      merchantId,
      token: context.store.newToken(),
      note: `${prefix}${index + 1}`,
      amountCents,
      notifyUrl: `${context.baseUrl}/__sandbox/bulk-notify`,
      successUrl: null,
      cancelUrl: null,
      merchantTradeNo: `SBX${String(id).padStart(8, "0")}BULK`,
      createdAt,
      expiresAt: createdAt + context.options.checkoutTtlMs,
    })
    const paid = transition(opened, { type: "pay", at: createdAt, paidCents: amountCents, bybitPayId: randomBytes(9).toString("hex") })
    if (!paid.ok) return problem(500, `The sandbox could not pay bulk record ${id}: ${paid.message}`)
    context.store.save(paid.state)
    firstId ||= id
    lastId = id
  }
  context.log.info(`bulk: ${input.count} paid records made for merchant ${merchantId} (ids ${firstId}–${lastId})`)
  return jsonAnswer(201, { created: input.count, first_id: firstId, last_id: lastId })
}
