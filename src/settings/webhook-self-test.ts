/**
 * "Send test webhook": signs a synthetic delivery (event `usdt.test_webhook`, a unique
 * `usdt-test-…` note, the configured merchant id) with the current webhook secret and POSTs it
 * to the store's own /hooks/usdt, exactly as the gateway would. The route logs every delivery,
 * so the log entry with that note tells whether the raw body reached the signature check
 * intact and verified, and when the store received it (the clock skew). A verified delivery
 * is answered once recorded (`queued`) and processed just after; the self-test waits up to
 * SETTLE_WAIT_MS for that processing (`ignored_event`) so the message says what it came to.
 */
import { randomUUID } from "node:crypto"
import { request } from "undici"
import { signWebhook } from "../gateway"
import type { GatewayCredentials, UsdtGatewayModuleService, WebhookDeliveryRecord } from "../modules/usdt-gateway"

export const TEST_WEBHOOK_EVENT = "usdt.test_webhook"
export const TEST_NOTE_PREFIX = "usdt-test-"
export const TEST_PAYMENT_RECORD_ID = 999_999_999

export interface WebhookSelfTest {
  ok: boolean
  url: string
  /** The store's HTTP status, null when it could not be reached. */
  status: number | null
  /** Whether the route verified the signature, null when no log entry was found. */
  verified: boolean | null
  latency_ms: number | null
  /** Store's receipt time minus the signed timestamp, in seconds (positive: the receiver is ahead). */
  clock_skew_seconds: number | null
  message: string
  delivery_id: string | null
}

const TIMEOUT_MS = 10_000
const SETTLE_WAIT_MS = 3_000
const SETTLE_POLL_MS = 50

/** A body that passes the contract's schema but can never be taken for a payment. */
export function testWebhookBody(merchantId: string, note: string, now: Date) {
  return {
    event: TEST_WEBHOOK_EVENT,
    status: "test",
    merchant_id: Number(merchantId),
    amount: "0.00",
    total_amount: "0.00",
    currency: "USD",
    note,
    // The contract requires a positive id. A test event is never acted on; this one is plainly
    // synthetic in the delivery log and far above any real record id.
    payment_record_id: TEST_PAYMENT_RECORD_ID,
    paid_at: now.toISOString(),
  }
}

async function findDelivery(settings: UsdtGatewayModuleService, note: string): Promise<WebhookDeliveryRecord | null> {
  const [delivery] = await settings.listWebhookDeliveryEntries({ note }, { take: 1, order: { received_at: "DESC" } })
  return delivery ?? null
}

/** The delivery once its processing has settled it (no longer `queued`), or as it is after SETTLE_WAIT_MS. */
async function settledDelivery(settings: UsdtGatewayModuleService, note: string): Promise<WebhookDeliveryRecord | null> {
  const until = Date.now() + SETTLE_WAIT_MS
  for (;;) {
    const delivery = await findDelivery(settings, note)
    if (!delivery?.verified || delivery.outcome !== "queued" || Date.now() >= until) return delivery
    await new Promise((resolve) => setTimeout(resolve, SETTLE_POLL_MS))
  }
}

function verdict(status: number, delivery: WebhookDeliveryRecord | null): { ok: boolean; message: string } {
  const success = status >= 200 && status < 300
  if (!delivery) {
    return {
      ok: false,
      message: `The store answered ${status}, but no delivery was logged: the request did not reach the USDT webhook route (a proxy, or another server at this URL?).`,
    }
  }
  if (!delivery.verified) {
    const hint =
      delivery.reason === "no_matching_signature"
        ? " The body was changed before verification (a body parser or proxy re-serialised it), or the route reads another secret."
        : ""
    return { ok: false, message: `The webhook arrived but failed verification: ${delivery.reason ?? "no reason given"}.${hint}` }
  }
  if (!success) return { ok: false, message: `The webhook verified, but the store answered ${status}, so the gateway would retry it.` }
  return {
    ok: true,
    message: `The webhook arrived with its raw body intact, its signature verified, and the store acknowledged it (${status}, ${delivery.outcome ?? "logged"}).`,
  }
}

/** Sends the signed test delivery and reports what the store did with it. */
export async function sendTestWebhook(input: {
  url: string
  credentials: GatewayCredentials
  settings: UsdtGatewayModuleService
  now?: () => number
}): Promise<WebhookSelfTest> {
  const now = input.now ?? Date.now
  const note = `${TEST_NOTE_PREFIX}${randomUUID()}`
  const base = { url: input.url, status: null, verified: null, latency_ms: null, clock_skew_seconds: null, delivery_id: null }
  const [secret] = input.credentials.webhookSecrets
  if (!secret) return { ...base, ok: false, message: "No webhook secret is saved: paste the webhook secret from the gateway's Integration page and save." }

  const signed = signWebhook({ body: testWebhookBody(input.credentials.merchantId, note, new Date(now())), secrets: secret, now })
  const started = now()
  let status: number
  try {
    const answer = await request(input.url, {
      method: "POST",
      headers: signed.headers,
      body: signed.body,
      headersTimeout: TIMEOUT_MS,
      bodyTimeout: TIMEOUT_MS,
    })
    await answer.body.dump()
    status = answer.statusCode
  } catch (error) {
    const code = (error instanceof Error && "code" in error && typeof error.code === "string" && error.code) || String(error)
    return { ...base, ok: false, message: `The store's webhook URL ${input.url} cannot be reached from the server: ${code}.` }
  }
  const latency = now() - started
  const delivery = await settledDelivery(input.settings, note)
  const skew = delivery ? Math.round((delivery.received_at.getTime() / 1000 - signed.timestamp) * 10) / 10 : null
  return {
    ...base,
    ...verdict(status, delivery),
    status,
    verified: delivery?.verified ?? null,
    latency_ms: latency,
    clock_skew_seconds: skew,
    delivery_id: delivery?.id ?? null,
  }
}
