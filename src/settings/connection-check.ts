/**
 * "Test connection": one balance call with the saved credentials, reported as OK with the
 * balance and the latency, or as exactly what is wrong. The gateway answers every credential
 * problem with the same 401, so after a 401 a second request with the key alone (no merchant
 * id, which the gateway accepts) tells a bad key from a merchant id that is not the key's owner.
 * The base URL is checked first (gateway-url.ts): no request goes to a private address, and an
 * answer is quoted only through the `message` of a JSON error body, never as received.
 */
import { request } from "undici"
import {
  createGatewayClient,
  formatCents,
  GatewayAuthError,
  GatewayConfigError,
  GatewayContractError,
  GatewayError,
  GatewayNetworkError,
  GatewayRateLimitError,
  GatewayTimeoutError,
  redact,
} from "../gateway"
import type { GatewayCredentials } from "../modules/usdt-gateway"
import { checkGatewayUrl } from "./gateway-url"

export type ConnectionProblem =
  | "not_configured"
  | "invalid_settings"
  | "bad_api_key"
  | "merchant_mismatch"
  | "merchant_inactive"
  | "unauthorized"
  | "unreachable"
  | "timeout"
  | "rate_limited"
  | "gateway_error"
  | "unexpected_answer"

export type ConnectionCheck =
  | {
      ok: true
      message: string
      latency_ms: number
      merchant_id: string
      base_url: string
      balance: { received_total: string; refunded_total: string; available_ledger: string }
    }
  | { ok: false; code: ConnectionProblem; message: string; latency_ms: number | null; merchant_id: string | null; base_url: string | null }

const TIMEOUTS = { connectTimeoutMs: 5_000, requestTimeoutMs: 10_000 }

type KeyProbe = { owner: "found" } | { owner: "refused"; message: string } | { owner: "unknown" }

/** GET /balance with the key alone: does the key belong to some merchant? */
async function probeKey(credentials: GatewayCredentials): Promise<KeyProbe> {
  try {
    const answer = await request(new URL("/api/v1/merchant/balance", credentials.baseUrl), {
      method: "GET",
      headers: { authorization: `Bearer ${credentials.apiKey}`, accept: "application/json" },
      headersTimeout: TIMEOUTS.requestTimeoutMs,
      bodyTimeout: TIMEOUTS.requestTimeoutMs,
    })
    const text = await answer.body.text()
    if (answer.statusCode === 200) return { owner: "found" }
    if (answer.statusCode !== 401) return { owner: "unknown" }
    let said = ""
    try {
      const json: unknown = JSON.parse(text)
      const message = json !== null && typeof json === "object" ? Reflect.get(json, "message") : undefined
      said = typeof message === "string" ? message.slice(0, 200) : ""
    } catch {
      said = ""
    }
    return { owner: "refused", message: redact(said, [credentials.apiKey]) }
  } catch {
    return { owner: "unknown" }
  }
}

async function explainRefusal(credentials: GatewayCredentials): Promise<{ code: ConnectionProblem; message: string }> {
  const probe = await probeKey(credentials)
  if (probe.owner === "found") {
    return {
      code: "merchant_mismatch",
      message: `The payment API key is valid, but it does not belong to merchant ${credentials.merchantId}: correct the merchant id (Merchants → your API merchant → Integration).`,
    }
  }
  if (probe.owner === "refused" && /inactive/i.test(probe.message)) {
    return { code: "merchant_inactive", message: `The gateway says the merchant is inactive: ${probe.message} Activate it in the gateway's dashboard.` }
  }
  if (probe.owner === "refused") {
    return {
      code: "bad_api_key",
      message: "The gateway refused the payment API key (401): it is wrong or was revoked. Paste the payment API key (not the webhook secret) from the Integration page again.",
    }
  }
  return {
    code: "unauthorized",
    message: "The gateway refused the credentials (401): wrong payment API key, a merchant id that is not the key's owner, or an inactive merchant.",
  }
}

/** The `message` (or `error`) of a JSON error body, at most 200 characters; nothing for any other body. */
function gatewaySaid(raw: unknown): string {
  if (typeof raw !== "object" || raw === null) return ""
  const said = Reflect.get(raw, "message") ?? Reflect.get(raw, "error")
  return typeof said === "string" ? said.slice(0, 200) : ""
}

function describeFailure(error: unknown, credentials: GatewayCredentials): { code: ConnectionProblem; message: string } {
  const origin = credentials.baseUrl
  if (error instanceof GatewayConfigError) return { code: "invalid_settings", message: error.message }
  if (error instanceof GatewayTimeoutError) return { code: "timeout", message: `The gateway at ${origin} did not answer in time: ${error.message}` }
  if (error instanceof GatewayNetworkError) {
    return { code: "unreachable", message: `The gateway at ${origin} cannot be reached: ${error.message}. Check the base URL and the server's network.` }
  }
  if (error instanceof GatewayRateLimitError) {
    return { code: "rate_limited", message: `The gateway is rate limiting this merchant; try again in ${Math.ceil(error.retryAfterMs / 1000)}s.` }
  }
  if (error instanceof GatewayContractError) {
    return { code: "unexpected_answer", message: `${origin} answered (${error.status ?? "?"}), but not as the gateway does. Check the base URL.` }
  }
  if (error instanceof GatewayError) {
    const said = gatewaySaid(error.raw)
    const what = said ? `: ${said}` : " without a JSON error message (is the base URL the gateway?)"
    return { code: "gateway_error", message: `The gateway at ${origin} answered ${error.status ?? "with an error"}${what}` }
  }
  throw error
}

/** Calls GET /balance with the credentials and reports what happened. Never throws for gateway trouble. */
export async function checkConnection(
  credentials: GatewayCredentials | null,
  options: { allowInsecure?: boolean; now?: () => number } = {}
): Promise<ConnectionCheck> {
  const now = options.now ?? Date.now
  if (!credentials) {
    return {
      ok: false,
      code: "not_configured",
      message: "No merchant id and payment API key are saved yet: fill them in and save first.",
      latency_ms: null,
      merchant_id: null,
      base_url: null,
    }
  }
  const where = { merchant_id: credentials.merchantId, base_url: credentials.baseUrl }
  const urlProblem = await checkGatewayUrl(credentials.baseUrl, options.allowInsecure === true)
  if (urlProblem) return { ok: false, code: "invalid_settings", message: `The gateway base URL ${urlProblem}.`, latency_ms: null, ...where }
  let client: ReturnType<typeof createGatewayClient> | undefined
  const started = now()
  try {
    client = createGatewayClient({ ...credentials, ...TIMEOUTS, maxRetries: 0, maxRateLimitRetries: 0 })
    const balance = await client.getBalance()
    const latency = now() - started
    return {
      ok: true,
      message: `Connected to ${credentials.baseUrl} as merchant ${credentials.merchantId} in ${latency} ms.`,
      latency_ms: latency,
      ...where,
      balance: {
        received_total: formatCents(balance.received_total),
        refunded_total: formatCents(balance.refunded_total),
        available_ledger: formatCents(balance.available_ledger),
      },
    }
  } catch (error) {
    const latency = now() - started
    const problem = error instanceof GatewayAuthError ? await explainRefusal(credentials) : describeFailure(error, credentials)
    return { ok: false, ...problem, message: redact(problem.message, [credentials.apiKey, ...credentials.webhookSecrets]), latency_ms: latency, ...where }
  } finally {
    await client?.close()
  }
}
