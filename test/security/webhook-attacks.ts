/**
 * The attack corpus against a gateway webhook endpoint (Medusa's POST /hooks/usdt, the Shopify
 * app's POST /webhooks/gateway/:shop), built around one real paid delivery that the store has
 * not seen yet (the sandbox dropped it): every variant a forger, a replayer or a confused proxy
 * could send. Each must be answered 4xx and change nothing.
 */
import { computeSignature, signWebhook } from "../../src/gateway"

export interface WebhookAttack {
  name: string
  method?: string
  headers: Array<[string, string]>
  body: string | Buffer
}

/** The receiving merchant's webhook secret and API key, and another merchant's webhook secret. */
export interface WebhookKeys {
  secret: string
  apiKey: string
  otherSecret: string
}

function withHeader(headers: Array<[string, string]>, name: string, value: string | null): Array<[string, string]> {
  const rest = headers.filter(([key]) => key !== name)
  return value === null ? rest : [...rest, [name, value]]
}

export function webhookAttacks(body: string, keys: WebhookKeys): WebhookAttack[] {
  const SECRET = keys.secret
  const signedHeaders = (text: string, options: { secret?: string; timestamp?: number } = {}): Array<[string, string]> =>
    Object.entries(signWebhook({ body: text, secrets: options.secret ?? SECRET, timestamp: options.timestamp }).headers)
  const now = Math.floor(Date.now() / 1000)
  const event: Record<string, unknown> = JSON.parse(body)
  const tampered = (fields: Record<string, unknown>) => JSON.stringify({ ...event, ...fields })
  const good = signedHeaders(body)
  const goodSignature = good.find(([name]) => name === "x-gateway-signature")?.[1] ?? ""
  const json: [string, string] = ["content-type", "application/json"]
  const forgedHex = "ab".repeat(32)
  return [
    { name: "no signature headers at all", headers: [json], body },
    { name: "forged v1 (random hex)", headers: withHeader(good, "x-gateway-signature", `t=${now},v1=${forgedHex}`), body },
    { name: "v1 of the wrong length", headers: withHeader(good, "x-gateway-signature", `t=${now},v1=${forgedHex.slice(2)}`), body },
    { name: "signature header with no v1", headers: withHeader(good, "x-gateway-signature", `t=${now}`), body },
    { name: "garbage signature header", headers: withHeader(good, "x-gateway-signature", "\u0000;;==,,t"), body },
    { name: "missing timestamp header", headers: withHeader(good, "x-gateway-timestamp", null), body },
    { name: "tampered amount (signature of the original)", headers: good, body: tampered({ amount: "1.00", total_amount: "1.00" }) },
    { name: "tampered total_amount upwards", headers: good, body: tampered({ total_amount: "999.00" }) },
    { name: "tampered note", headers: good, body: tampered({ note: "payses_someone_else" }) },
    { name: "tampered payment_record_id", headers: good, body: tampered({ payment_record_id: Number(event.payment_record_id) + 1 }) },
    { name: "one byte appended", headers: good, body: `${body} ` },
    { name: "re-serialised JSON (key order changed)", headers: good, body: JSON.stringify(Object.fromEntries(Object.entries(event).reverse())) },
    { name: "signed with another merchant's secret", headers: signedHeaders(body, { secret: keys.otherSecret }), body },
    { name: "signed with the API key instead of the secret", headers: signedHeaders(body, { secret: keys.apiKey }), body },
    { name: "signed with an empty-looking secret", headers: signedHeaders(body, { secret: " " }), body },
    // ±400 s: past the 300 s tolerance with room for the seconds the corpus takes to send.
    { name: "stale timestamp (400 s old)", headers: signedHeaders(body, { timestamp: now - 400 }), body },
    { name: "a valid delivery replayed an hour later", headers: signedHeaders(body, { timestamp: now - 3600 }), body },
    { name: "future timestamp (400 s ahead)", headers: signedHeaders(body, { timestamp: now + 400 }), body },
    {
      name: "signature t differs from the timestamp header",
      headers: withHeader(signedHeaders(body, { timestamp: now - 5 }), "x-gateway-timestamp", String(now)),
      body,
    },
    {
      name: "t and header agree but the HMAC covers another timestamp",
      headers: withHeader(withHeader(good, "x-gateway-timestamp", String(now - 7)), "x-gateway-signature", `t=${now - 7},v1=${computeSignature(SECRET, now, body)}`),
      body,
    },
    { name: "duplicated signature header (forged line first)", headers: [["x-gateway-signature", `t=${now},v1=${forgedHex}`], ...good], body },
    { name: "duplicated signature header (valid line twice)", headers: [...good, ["x-gateway-signature", goodSignature]], body },
    { name: "duplicated timestamp header", headers: [...good, ["x-gateway-timestamp", String(now - 1)]], body },
    { name: "body over the limit (2 MB, signed)", headers: signedHeaders(`${body}${" ".repeat(2_000_000)}`), body: `${body}${" ".repeat(2_000_000)}` },
    { name: "malformed JSON, validly signed", headers: signedHeaders("{\"event\": \"payment.completed\","), body: "{\"event\": \"payment.completed\"," },
    { name: "malformed JSON, unsigned", headers: [json], body: "{not json" },
    { name: "JSON of the wrong shape, validly signed", headers: signedHeaders("[1,2,3]"), body: "[1,2,3]" },
    { name: "wrong content type (text/plain), validly signed", headers: withHeader(good, "content-type", "text/plain"), body },
    { name: "wrong content type (form), validly signed", headers: withHeader(good, "content-type", "application/x-www-form-urlencoded"), body },
    { name: "empty body", headers: withHeader(good, "content-type", "application/json"), body: "" },
    { name: "GET instead of POST", method: "GET", headers: good, body: "" },
  ]
}
