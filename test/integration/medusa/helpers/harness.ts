/**
 * What every Medusa test file needs before medusaIntegrationTestRunner boots the store: a
 * sandbox gateway, a fixed HTTP port for Medusa (the checkouts' notify_url points at it), and
 * the USDT_* environment that medusa-config.ts reads when it is first loaded. Call
 * `useUsdtHarness()` at the top level of the file, before medusaIntegrationTestRunner: jest
 * runs these top-level hooks before the runner's own.
 */
import { freePort } from "../../../../demo/preflight"
import { closeGatewayClients } from "../../../../src/providers/usdt/credentials"
import { type SandboxControl, STORE_MERCHANT, STORE_NEW_WEBHOOK_SECRET, startTestSandbox } from "./sandbox"

export interface UsdtHarness {
  sandbox: SandboxControl
  /** Medusa's own origin, e.g. http://127.0.0.1:40123. */
  medusaUrl: string
}

export const TEST_ENV_KEYS = [
  "PORT",
  "USDT_GATEWAY_URL",
  "USDT_MERCHANT_ID",
  "USDT_API_KEY",
  "USDT_WEBHOOK_SECRET",
  "USDT_BACKEND_URL",
  "USDT_SUCCESS_URL",
  "USDT_HTTP_REQUEST_TIMEOUT_MS",
  "USDT_HTTP_MAX_RETRIES",
  "USDT_HTTP_RETRY_BASE_DELAY_MS",
  "USDT_HTTP_MAX_RATE_LIMIT_RETRIES",
  "USDT_HTTP_MAX_RATE_LIMIT_WAIT_MS",
  "MEDUSA_DISABLE_TELEMETRY",
] as const

export interface UsdtHarnessOptions {
  /** false: medusa-config gets no merchant id, API key or webhook secret (the admin saves them). Default true. */
  credentialsInOptions?: boolean
}

export function useUsdtHarness(harnessOptions: UsdtHarnessOptions = {}): UsdtHarness {
  const state: { sandbox?: SandboxControl; medusaUrl?: string } = {}
  const saved = new Map<string, string | undefined>()

  beforeAll(async () => {
    state.sandbox = await startTestSandbox()
    const port = await freePort()
    state.medusaUrl = `http://127.0.0.1:${port}`
    const env: Record<(typeof TEST_ENV_KEYS)[number], string> = {
      PORT: String(port),
      USDT_GATEWAY_URL: state.sandbox.url,
      USDT_MERCHANT_ID: String(STORE_MERCHANT.id),
      USDT_API_KEY: STORE_MERCHANT.apiKey,
      // Rotation: the store knows the new secret and the previous one the sandbox still signs with.
      USDT_WEBHOOK_SECRET: `${STORE_NEW_WEBHOOK_SECRET},${STORE_MERCHANT.webhookSecret}`,
      USDT_BACKEND_URL: state.medusaUrl,
      USDT_SUCCESS_URL: "http://localhost:8000/order/confirmed",
      USDT_HTTP_REQUEST_TIMEOUT_MS: "10000",
      USDT_HTTP_MAX_RETRIES: "1",
      USDT_HTTP_RETRY_BASE_DELAY_MS: "50",
      USDT_HTTP_MAX_RATE_LIMIT_RETRIES: "1",
      USDT_HTTP_MAX_RATE_LIMIT_WAIT_MS: "1500",
      MEDUSA_DISABLE_TELEMETRY: "true",
    }
    const withoutCredentials = harnessOptions.credentialsInOptions === false
    for (const [key, value] of Object.entries(env)) {
      saved.set(key, process.env[key])
      if (withoutCredentials && (key === "USDT_MERCHANT_ID" || key === "USDT_API_KEY" || key === "USDT_WEBHOOK_SECRET")) delete process.env[key]
      else process.env[key] = value
    }
  })

  afterAll(async () => {
    await state.sandbox?.stop()
    await closeGatewayClients()
    for (const [key, value] of saved) {
      if (value === undefined) delete process.env[key]
      else process.env[key] = value
    }
  })

  return {
    get sandbox(): SandboxControl {
      if (!state.sandbox) throw new Error("the sandbox is not started yet")
      return state.sandbox
    },
    get medusaUrl(): string {
      if (!state.medusaUrl) throw new Error("Medusa's port is not chosen yet")
      return state.medusaUrl
    },
  }
}
