/**
 * Webhook signing and verification, as the gateway's page specifies:
 *   X-Gateway-Timestamp: <unix seconds>
 *   X-Gateway-Signature: t=<timestamp>,v1=<hex>[,v1=<hex>…]
 *   v1 = hex(HMAC-SHA256(webhook_secret, timestamp + "." + raw_body))
 * Verification is a chain of small steps (read headers, parse, check timestamps, compare in
 * constant time against every v1 and every secret), then the body is parsed against the
 * contract only once the signature holds. Failures are returned as a typed reason, not thrown.
 */
import { createHmac, createSecretKey, type KeyObject, timingSafeEqual } from "node:crypto"
import { issuePath, type WebhookEvent, webhookEventSchema } from "./contract"

export const TIMESTAMP_HEADER = "x-gateway-timestamp"
export const SIGNATURE_HEADER = "x-gateway-signature"
/** The gateway also sends the API key; it is informational, never trusted, never logged. */
export const MERCHANT_KEY_HEADER = "x-gateway-merchant-key"

export const DEFAULT_TOLERANCE_SECONDS = 300

export type WebhookRejectionReason =
  | "body_not_raw"
  | "missing_header"
  | "malformed_header"
  | "timestamp_mismatch"
  | "timestamp_too_old"
  | "timestamp_in_future"
  | "no_matching_signature"
  | "no_secret"
  | "body_not_json"
  | "body_not_contract"

export type WebhookVerification =
  | { valid: true; event: WebhookEvent; timestamp: number; body: unknown }
  | { valid: false; reason: WebhookRejectionReason; message: string }

export type SignatureCheck =
  | { valid: true; timestamp: number }
  | { valid: false; reason: WebhookRejectionReason; message: string }

export type RawBody = string | Uint8Array
export type HeaderBag =
  | Headers
  | Record<string, string | readonly string[] | undefined>

export interface VerifyWebhookOptions {
  /** The exact bytes received. Parsed-and-reserialised JSON will not verify. */
  rawBody: RawBody
  headers: HeaderBag
  /** The current secret, or several while one rotates (current first). */
  secrets: string | readonly string[]
  /** Largest allowed distance between the timestamp and the clock, both directions. */
  toleranceSeconds?: number
  /** Milliseconds since the epoch; injectable for tests. */
  now?: () => number
}

export interface ParsedSignatureHeader {
  timestamp: string
  signatures: string[]
}

/** HMAC keys made once per secret: a KeyObject spares the key set-up of every verification. */
const hmacKeys = new Map<string, KeyObject>()
function hmacKey(secret: string): KeyObject {
  let key = hmacKeys.get(secret)
  if (!key) {
    if (hmacKeys.size >= 32) hmacKeys.clear()
    key = createSecretKey(Buffer.from(secret, "utf8"))
    hmacKeys.set(secret, key)
  }
  return key
}

/** hex(HMAC-SHA256(secret, timestamp + "." + body)). */
export function computeSignature(secret: string, timestamp: string | number, rawBody: RawBody): string {
  return createHmac("sha256", secret).update(`${timestamp}.`).update(rawBody).digest("hex")
}

export interface SignedWebhook {
  body: string
  headers: Record<string, string>
  timestamp: number
}

/**
 * Signs a body exactly as the gateway does: the sandbox delivers with it and tests use it to
 * forge precisely what they mean to forge. `secrets` may hold several to sign with each.
 */
export function signWebhook(options: {
  body: string | object
  secrets: string | readonly string[]
  timestamp?: number
  apiKey?: string
  now?: () => number
}): SignedWebhook {
  const body = typeof options.body === "string" ? options.body : JSON.stringify(options.body)
  const timestamp = options.timestamp ?? Math.floor((options.now ?? Date.now)() / 1000)
  const secrets = typeof options.secrets === "string" ? [options.secrets] : options.secrets
  const parts = [`t=${timestamp}`, ...secrets.map((secret) => `v1=${computeSignature(secret, timestamp, body)}`)]
  const headers: Record<string, string> = {
    "content-type": "application/json",
    [TIMESTAMP_HEADER]: String(timestamp),
    [SIGNATURE_HEADER]: parts.join(","),
  }
  if (options.apiKey) headers[MERCHANT_KEY_HEADER] = options.apiKey
  return { body, headers, timestamp }
}

/** `t=123,v1=abc,v1=def` → { timestamp: "123", signatures: ["abc", "def"] }; null when malformed. */
export function parseSignatureHeader(value: string): ParsedSignatureHeader | null {
  let timestamp: string | undefined
  const signatures: string[] = []
  let start = 0
  while (start <= value.length) {
    let end = value.indexOf(",", start)
    if (end === -1) end = value.length
    const eq = value.indexOf("=", start)
    if (eq <= start || eq >= end) return null
    const key = value.slice(start, eq).trim()
    const item = value.slice(eq + 1, end).trim()
    if (key === "t") {
      if (timestamp !== undefined || !DIGITS.test(item)) return null
      timestamp = item
    } else if (key === "v1") {
      signatures.push(item)
    }
    start = end + 1
  }
  if (timestamp === undefined || signatures.length === 0) return null
  return { timestamp, signatures }
}

const DIGITS = /^\d{1,12}$/

function readHeader(headers: HeaderBag, name: string): string | undefined {
  if (typeof (headers as Headers).get === "function" && typeof Headers !== "undefined" && headers instanceof Headers) {
    return headers.get(name) ?? undefined
  }
  const bag = headers as Record<string, string | readonly string[] | undefined>
  let value = bag[name]
  if (value === undefined) {
    for (const key in bag) {
      if (key.length === name.length && key.toLowerCase() === name) {
        value = bag[key]
        break
      }
    }
  }
  return typeof value === "string" ? value : value?.[0]
}

function reject(reason: WebhookRejectionReason, message: string): { valid: false; reason: WebhookRejectionReason; message: string } {
  return { valid: false, reason, message }
}

/** Checks the headers and the signature only; it does not look inside the body. */
export function verifySignature(options: VerifyWebhookOptions): SignatureCheck {
  const { rawBody, headers } = options
  if (typeof rawBody !== "string" && !(rawBody instanceof Uint8Array)) {
    return reject(
      "body_not_raw",
      "The webhook body must be the raw request bytes (Buffer or string), not parsed JSON: re-serialised JSON does not verify."
    )
  }
  const secrets = typeof options.secrets === "string" ? [options.secrets] : options.secrets
  if (!secrets.some(Boolean)) {
    return reject("no_secret", "No webhook secret is configured, so no webhook can be verified.")
  }
  const timestampHeader = readHeader(headers, TIMESTAMP_HEADER)
  const signatureHeader = readHeader(headers, SIGNATURE_HEADER)
  if (!timestampHeader || !signatureHeader) {
    const missing = [!timestampHeader && "X-Gateway-Timestamp", !signatureHeader && "X-Gateway-Signature"].filter(Boolean)
    return reject("missing_header", `The ${missing.join(" and ")} header is missing.`)
  }
  const parsed = parseSignatureHeader(signatureHeader)
  if (!parsed) {
    return reject("malformed_header", "X-Gateway-Signature is not of the form t=<unix seconds>,v1=<hex>.")
  }
  if (parsed.timestamp !== timestampHeader.trim()) {
    return reject("timestamp_mismatch", "The t= of X-Gateway-Signature does not equal X-Gateway-Timestamp.")
  }
  const timestamp = Number(parsed.timestamp)
  const tolerance = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS
  const skew = Math.floor((options.now ?? Date.now)() / 1000) - timestamp
  if (skew > tolerance) {
    return reject("timestamp_too_old", `The webhook timestamp is ${skew}s old, more than the ${tolerance}s tolerance (replayed, or the clock is behind).`)
  }
  if (-skew > tolerance) {
    return reject("timestamp_in_future", `The webhook timestamp is ${-skew}s in the future, more than the ${tolerance}s tolerance (check the server clock).`)
  }
  for (const secret of secrets) {
    if (!secret) continue
    const expected = createHmac("sha256", hmacKey(secret)).update(`${parsed.timestamp}.`).update(rawBody).digest()
    for (const signature of parsed.signatures) {
      if (signature.length !== 64) continue
      // Hex decoding stops at the first non-hex pair, so 32 bytes out means 64 hex digits in.
      const candidate = Buffer.from(signature, "hex")
      if (candidate.length === 32 && timingSafeEqual(expected, candidate)) return { valid: true, timestamp }
    }
  }
  return reject(
    "no_matching_signature",
    "No v1 signature matches: wrong webhook secret (not the API key), or the body was changed or re-serialised before verification."
  )
}

/** Verifies the signature, then parses the body against the contract's webhook schema. */
export function verifyWebhook(options: VerifyWebhookOptions): WebhookVerification {
  const check = verifySignature(options)
  if (!check.valid) return check
  let body: unknown
  try {
    const text = typeof options.rawBody === "string" ? options.rawBody : Buffer.from(options.rawBody).toString("utf8")
    body = JSON.parse(text)
  } catch {
    return reject("body_not_json", "The signed webhook body is not JSON.")
  }
  const parsed = webhookEventSchema.safeParse(body)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    return reject("body_not_contract", `The signed webhook body breaks the contract at ${issuePath(issue.path) || "(root)"}: ${issue.message}`)
  }
  return { valid: true, event: parsed.data, timestamp: check.timestamp, body }
}
