import { createHmac } from "node:crypto"
import {
  computeSignature,
  pageWebhookExample,
  parseSignatureHeader,
  signWebhook,
  verifySignature,
  verifyWebhook,
  type WebhookRejectionReason,
} from "../../src/gateway"

const secret = "whsec_test_secret_value"
const body = JSON.stringify(pageWebhookExample())
const T = 1_774_353_600 // 2026-03-24T12:00:00Z
const at = (seconds: number) => () => seconds * 1000

function headersFor(options: { timestamp?: number; signatureTimestamp?: number; signatures?: string[] } = {}) {
  const timestamp = options.timestamp ?? T
  const sigT = options.signatureTimestamp ?? timestamp
  const signatures = options.signatures ?? [computeSignature(secret, sigT, body)]
  return {
    "X-Gateway-Timestamp": String(timestamp),
    "X-Gateway-Signature": [`t=${sigT}`, ...signatures.map((s) => `v1=${s}`)].join(","),
  }
}

describe("webhook signatures", () => {
  it("matches an independent HMAC-SHA256 over timestamp + '.' + body (fixed vector)", () => {
    const independent = createHmac("sha256", secret).update(`${T}.${body}`, "utf8").digest("hex")
    expect(computeSignature(secret, T, body)).toBe(independent)
    expect(computeSignature(secret, T, Buffer.from(body))).toBe(independent)
    // A frozen vector, so a change of algorithm cannot pass silently.
    expect(computeSignature("key", 1, "{}")).toBe("1ba6b8171186efc613e8bcc0cbdab2748f24984d7c5a84faa2637afa0e40d224")
  })

  it("signs as the page specifies and verifies what it signs", () => {
    const signed = signWebhook({ body, secrets: secret, timestamp: T, apiKey: "sk_live_x" })
    expect(signed.headers["x-gateway-timestamp"]).toBe(String(T))
    expect(signed.headers["x-gateway-signature"]).toBe(`t=${T},v1=${computeSignature(secret, T, body)}`)
    expect(signed.headers["x-gateway-merchant-key"]).toBe("sk_live_x")
    const result = verifyWebhook({ rawBody: Buffer.from(signed.body), headers: signed.headers, secrets: secret, now: at(T) })
    expect(result).toMatchObject({ valid: true, timestamp: T, event: { event: "payment.completed", amount: 1050, payment_record_id: 42, note: "order_123" } })
  })

  it("parses the header, with several v1 values", () => {
    expect(parseSignatureHeader("t=12,v1=aa,v1=bb,v0=cc")).toEqual({ timestamp: "12", signatures: ["aa", "bb"] })
    expect(parseSignatureHeader("v1=aa")).toBeNull()
    expect(parseSignatureHeader("t=12")).toBeNull()
    expect(parseSignatureHeader("t=x,v1=aa")).toBeNull()
    expect(parseSignatureHeader("garbage")).toBeNull()
    expect(parseSignatureHeader("t=1,t=2,v1=aa")).toBeNull()
  })

  it("accepts any of several v1 values and any of several secrets (rotation)", () => {
    const old = "whsec_old_secret"
    const headers = headersFor({ signatures: ["00".repeat(32), computeSignature(secret, T, body)] })
    expect(verifySignature({ rawBody: body, headers, secrets: secret, now: at(T) }).valid).toBe(true)
    const signedWithOld = { "x-gateway-timestamp": String(T), "x-gateway-signature": `t=${T},v1=${computeSignature(old, T, body)}` }
    expect(verifySignature({ rawBody: body, headers: signedWithOld, secrets: [secret, old], now: at(T) }).valid).toBe(true)
    expect(verifySignature({ rawBody: body, headers: signedWithOld, secrets: [secret], now: at(T) }).valid).toBe(false)
  })

  it("reads headers case-insensitively from a plain object, a Headers instance or array values", () => {
    const lower = { "x-gateway-timestamp": String(T), "x-gateway-signature": [`t=${T},v1=${computeSignature(secret, T, body)}`] }
    expect(verifySignature({ rawBody: body, headers: lower, secrets: secret, now: at(T) }).valid).toBe(true)
    expect(verifySignature({ rawBody: body, headers: new Headers(headersFor()), secrets: secret, now: at(T) }).valid).toBe(true)
  })

  it("allows clock skew inside the tolerance in both directions, refuses beyond", () => {
    const h = headersFor()
    expect(verifySignature({ rawBody: body, headers: h, secrets: secret, now: at(T + 300) }).valid).toBe(true)
    expect(verifySignature({ rawBody: body, headers: h, secrets: secret, now: at(T - 300) }).valid).toBe(true)
    expect(verifySignature({ rawBody: body, headers: h, secrets: secret, now: at(T + 301) })).toMatchObject({ reason: "timestamp_too_old" })
    expect(verifySignature({ rawBody: body, headers: h, secrets: secret, now: at(T - 301) })).toMatchObject({ reason: "timestamp_in_future" })
    expect(verifySignature({ rawBody: body, headers: h, secrets: secret, now: at(T + 20), toleranceSeconds: 10 })).toMatchObject({ reason: "timestamp_too_old" })
  })

  const cases: Array<[string, WebhookRejectionReason, Parameters<typeof verifyWebhook>[0]]> = [
    ["parsed JSON instead of raw bytes", "body_not_raw", { rawBody: JSON.parse(body), headers: headersFor(), secrets: secret, now: at(T) }],
    ["no secret configured", "no_secret", { rawBody: body, headers: headersFor(), secrets: [""], now: at(T) }],
    ["no signature header", "missing_header", { rawBody: body, headers: { "x-gateway-timestamp": String(T) }, secrets: secret, now: at(T) }],
    ["no timestamp header", "missing_header", { rawBody: body, headers: { "x-gateway-signature": headersFor()["X-Gateway-Signature"] }, secrets: secret, now: at(T) }],
    ["malformed signature header", "malformed_header", { rawBody: body, headers: { "x-gateway-timestamp": String(T), "x-gateway-signature": "sha256=abc" }, secrets: secret, now: at(T) }],
    ["t= differs from X-Gateway-Timestamp", "timestamp_mismatch", { rawBody: body, headers: headersFor({ timestamp: T, signatureTimestamp: T - 1 }), secrets: secret, now: at(T) }],
    ["stale", "timestamp_too_old", { rawBody: body, headers: headersFor({ timestamp: T - 3600 }), secrets: secret, now: at(T) }],
    ["future", "timestamp_in_future", { rawBody: body, headers: headersFor({ timestamp: T + 3600 }), secrets: secret, now: at(T) }],
    ["wrong secret", "no_matching_signature", { rawBody: body, headers: headersFor({ signatures: [computeSignature("other", T, body)] }), secrets: secret, now: at(T) }],
    ["tampered body", "no_matching_signature", { rawBody: body.replace("10.50", "1000.50"), headers: headersFor(), secrets: secret, now: at(T) }],
    ["re-serialised JSON", "no_matching_signature", { rawBody: JSON.stringify(JSON.parse(body), null, 2), headers: headersFor(), secrets: secret, now: at(T) }],
    ["non-hex signature", "no_matching_signature", { rawBody: body, headers: headersFor({ signatures: ["zz".repeat(32)] }), secrets: secret, now: at(T) }],
  ]
  it.each(cases)("rejects: %s", (_name, reason, options) => {
    const result = verifyWebhook(options)
    expect(result.valid).toBe(false)
    if (!result.valid) {
      expect(result.reason).toBe(reason)
      expect(result.message.length).toBeGreaterThan(10)
      expect(result.message).not.toContain(secret)
    }
  })

  it("rejects a signed body that is not JSON, or not the contract's shape", () => {
    const notJson = signWebhook({ body: "not json", secrets: secret, timestamp: T })
    expect(verifyWebhook({ rawBody: notJson.body, headers: notJson.headers, secrets: secret, now: at(T) })).toMatchObject({ reason: "body_not_json" })
    const wrongShape = signWebhook({ body: { event: "payment.completed", amount: "1.234" }, secrets: secret, timestamp: T })
    const result = verifyWebhook({ rawBody: wrongShape.body, headers: wrongShape.headers, secrets: secret, now: at(T) })
    expect(result).toMatchObject({ valid: false, reason: "body_not_contract" })
    if (!result.valid) expect(result.message).toMatch(/merchant_id|amount/)
  })

  it("keeps unknown fields of a valid body", () => {
    const signed = signWebhook({ body: { ...JSON.parse(body), extra_field: "kept" }, secrets: secret, timestamp: T })
    const result = verifyWebhook({ rawBody: signed.body, headers: signed.headers, secrets: secret, now: at(T) })
    expect(result.valid && result.event.extra_field).toBe("kept")
  })
})
