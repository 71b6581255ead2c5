/**
 * Every zod boundary on arbitrary JSON (fast-check): the parse either succeeds or reports
 * issues, and each function that wraps a schema either answers or throws its own typed error.
 * Nothing throws raw (a TypeError, a ZodError) that a route would turn into a 5xx.
 */
import fc from "fast-check"
import type { z } from "zod"
import {
  balanceSchema,
  checkoutSessionSchema,
  errorBodySchema,
  GatewayConfigError,
  paymentSchema,
  paymentsPageSchema,
  refundSchema,
  resolveConfig,
  signWebhook,
  verifyWebhook,
  webhookEventSchema,
} from "../../src/gateway"
import { fieldErrors, pageQuerySchema, saveSettingsSchema } from "../../src/api/admin/usdt/validators"
import { parseUsdtOptions } from "../../src/providers/usdt/options"
import { readSessionData, sessionDataSchema } from "../../src/providers/usdt/session-data"
import { reconcileSettingsFromEnv } from "../../src/reconcile/settings"
import { rangeSchema } from "../../src/reconcile/window"
import { checkoutBodySchema } from "../../src/sandbox/checkout"
import { faultsSchema } from "../../src/sandbox/faults"
import { refundRequestSchema } from "../../src/gateway/contract"
import { validate } from "../../src/sandbox/validation"
import { noticeFromWebhook } from "../../src/completion/payment-notice"

/** The core as plain JavaScript callers see it: whatever they hand in (method syntax keeps it assignable). */
interface UntypedCore {
  resolveConfig(config: unknown): unknown
}
const untypedCore: UntypedCore = { resolveConfig }

const RUNS = { numRuns: 500 }
/** Arbitrary JSON, and objects shaped a little like what each boundary expects. */
const json = fc.jsonValue({ maxDepth: 4 })
const nearly = (keys: string[]) =>
  fc.dictionary(fc.oneof(fc.constantFrom(...keys), fc.string({ maxLength: 8 })), fc.oneof(json, fc.string(), fc.double(), fc.constant(null)), { maxKeys: keys.length + 2 })

function parsesCleanly(schema: z.ZodType, value: unknown): boolean {
  const result = schema.safeParse(value)
  return result.success || result.error.issues.length > 0
}

const schemas: Array<[string, z.ZodType, string[]]> = [
  ["gateway payment", paymentSchema, ["id", "status", "amount", "total_amount", "currency", "note", "created_at", "paid_at", "refunded_amount"]],
  ["gateway payments page", paymentsPageSchema, ["data", "current_page", "per_page", "last_page", "total"]],
  ["gateway checkout session", checkoutSessionSchema, ["checkout_url", "invoice_url", "expires_at"]],
  ["gateway balance", balanceSchema, ["received_total", "refunded_total", "available_ledger"]],
  ["gateway refund", refundSchema, ["refund_id", "status"]],
  ["gateway error body", errorBodySchema, ["message", "error", "errors", "retry_after_seconds"]],
  ["webhook event", webhookEventSchema, ["event", "status", "merchant_id", "amount", "total_amount", "currency", "note", "payment_record_id", "paid_at"]],
  ["session data", sessionDataSchema, ["session_id", "checkout_url", "refunds", "flags", "gateway_payment_id", "amount_cents", "success_url"]],
  ["admin settings body", saveSettingsSchema, ["merchant_id", "base_url", "api_key", "webhook_secret", "previous_webhook_secret"]],
  ["admin page query", pageQuerySchema, ["limit", "offset"]],
  ["reconcile range", rangeSchema(31 * 86_400_000), ["from", "to"]],
  ["sandbox faults", faultsSchema, ["webhook_drop_rate", "webhook_duplicate_rate", "api_error_rate", "latency_ms"]],
  ["sandbox refund body", refundRequestSchema, ["amount", "reason"]],
  ["sandbox checkout body", checkoutBodySchema(100), ["amount", "note", "username", "notify_url", "success_url", "cancel_url"]],
]

describe("zod boundaries on arbitrary JSON", () => {
  it.each(schemas)("%s: safeParse never throws", (_name, schema, keys) => {
    fc.assert(fc.property(fc.oneof(json, nearly(keys)), (value) => parsesCleanly(schema, value)), RUNS)
  })

  it("the admin's 400 answer (fieldErrors) is built for every refusal", () => {
    fc.assert(
      fc.property(fc.oneof(json, nearly(["merchant_id", "base_url", "api_key", "webhook_secret"])), (value) => {
        const parsed = saveSettingsSchema.safeParse(value ?? {})
        return parsed.success || Object.keys(fieldErrors(parsed.error)).length > 0
      }),
      RUNS
    )
  })

  it("the sandbox's 422 answer is built for every refusal", () => {
    fc.assert(
      fc.property(fc.oneof(json, nearly(["amount", "reason"])), (value) => {
        const result = validate(refundRequestSchema, value)
        return result.ok || result.answer.status === 422
      }),
      RUNS
    )
  })

  it("a correctly signed webhook with any JSON body is verified or refused with a reason, never thrown; a verified one maps to a notice", () => {
    const now = () => 1_800_000_000_000
    fc.assert(
      fc.property(fc.oneof(json, nearly(["event", "merchant_id", "amount", "currency", "note", "payment_record_id"])), (body) => {
        const signed = signWebhook({ body: JSON.stringify(body) ?? "null", secrets: "whsec_x", now })
        const verification = verifyWebhook({ rawBody: signed.body, headers: signed.headers, secrets: "whsec_x", now })
        if (!verification.valid) return verification.reason === "body_not_contract" || verification.reason === "body_not_json"
        return typeof noticeFromWebhook(verification.event).gatewayPaymentId === "number"
      }),
      RUNS
    )
  })

  it("stored session data of any shape is read without throwing, and what is read has the schema's shape", () => {
    fc.assert(
      fc.property(nearly(["refunds", "flags", "gateway_payment_id", "amount_cents", "checkout_url"]), (data) => sessionDataSchema.safeParse(readSessionData(data)).success),
      RUNS
    )
  })

  it("provider options of any shape: accepted, or refused with named problems", () => {
    fc.assert(
      fc.property(fc.oneof(json, nearly(["baseUrl", "merchantId", "apiKey", "webhookSecret", "backendUrl", "http"])), (options) => {
        const result = parseUsdtOptions(options)
        return result.ok || (result.problems.length > 0 && result.problems.every((p) => typeof p === "string"))
      }),
      RUNS
    )
  })

  it("gateway client config of any shape: resolved, or a GatewayConfigError", () => {
    fc.assert(
      fc.property(fc.oneof(json, nearly(["baseUrl", "merchantId", "apiKey", "requestTimeoutMs", "maxRetries"])), (config) => {
        try {
          untypedCore.resolveConfig(config)
          return true
        } catch (error) {
          return error instanceof GatewayConfigError
        }
      }),
      RUNS
    )
  })

  it("reconciliation settings from any environment strings: settings, or an Error naming the variable", () => {
    const names = ["USDT_RECONCILE_CRON", "USDT_RECONCILE_INTERVAL_MINUTES", "USDT_RECONCILE_ENABLED", "USDT_RECONCILE_OVERLAP_MINUTES", "USDT_RECONCILE_CONCURRENCY"]
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom(...names), fc.string({ maxLength: 12 })), (env) => {
        try {
          return typeof reconcileSettingsFromEnv(env).overlapMs === "number"
        } catch (error) {
          return error instanceof Error && error.constructor === Error && /USDT_RECONCILE_/.test(error.message)
        }
      }),
      RUNS
    )
  })
})
