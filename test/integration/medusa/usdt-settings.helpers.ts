/**
 * Helpers of the USDT settings API tests: the secrets they save, an admin session (a user with
 * an emailpass identity, logged in through /auth/user/emailpass as the dashboard does) with
 * save shortcuts, the settings service, and a capture of everything written to the console or
 * stdout/stderr while the file runs.
 */
import type { MedusaContainer } from "@medusajs/framework/types"
import { logger } from "@medusajs/framework/logger"
import { Modules } from "@medusajs/framework/utils"
import { medusaIntegrationTestRunner } from "@medusajs/test-utils"
import type { AxiosInstance } from "axios"
import { USDT_GATEWAY_MODULE, type UsdtGatewayModuleService } from "../../../src/modules/usdt-gateway"
import { type UsdtHarness, useUsdtHarness } from "./helpers/harness"
import { STORE_MERCHANT } from "./helpers/sandbox"
import { useProcessedDeliveries } from "./helpers/webhooks"

/** The tests' own key, unless the run brings one. */
process.env.USDT_ENCRYPTION_KEY ??= "7f3c1e9a5b2d4f6081a3c5e7092b4d6f8a1c3e5f7092b4d6e8f0a2c4e6081a3c"

export const API_KEY = STORE_MERCHANT.apiKey
export const WEBHOOK_SECRET = "whsec_saved_from_admin_7c1d"
export const PREVIOUS_SECRET = "whsec_previous_from_admin_52ab"
export const SECRETS = [API_KEY, WEBHOOK_SECRET, PREVIOUS_SECRET]

export function expectNoSecretIn(text: string): void {
  for (const secret of SECRETS) expect(text).not.toContain(secret)
}

export type ApiClient = AxiosInstance

export function settingsService(container: MedusaContainer): UsdtGatewayModuleService {
  return container.resolve<UsdtGatewayModuleService>(USDT_GATEWAY_MODULE)
}

/**
 * An admin session for the file (made in beforeAll, so it is part of the runner's database
 * snapshot) and the save calls of the settings API.
 */
export function useAdmin(api: () => ApiClient, getContainer: () => MedusaContainer, gatewayUrl: () => string) {
  let headers: Record<string, string> = {}
  beforeAll(async () => {
    headers = await adminHeaders(api(), getContainer())
  })
  const save = (body: Record<string, unknown>) => api().post("/admin/usdt/settings", body, { headers, validateStatus: () => true })
  return {
    headers: () => headers,
    save,
    /** Saves working credentials of the store's merchant, with overrides; expects 200. */
    async saveGood(overrides: Record<string, unknown> = {}) {
      const answer = await save({
        merchant_id: String(STORE_MERCHANT.id),
        base_url: gatewayUrl(),
        api_key: API_KEY,
        webhook_secret: WEBHOOK_SECRET,
        ...overrides,
      })
      expect(answer.status).toBe(200)
      return answer
    },
  }
}

/** Creates an admin user and returns the Authorization header of its session token. */
export async function adminHeaders(api: ApiClient, container: MedusaContainer): Promise<Record<string, string>> {
  const email = "admin@usdt-settings.test"
  const password = "a-long-test-password-1"
  const userModule = container.resolve(Modules.USER)
  const authModule = container.resolve(Modules.AUTH)
  const user = await userModule.createUsers({ email })
  const registered = await authModule.register("emailpass", { body: { email, password } })
  if (!registered.success || !registered.authIdentity) throw new Error(`could not register the test admin: ${registered.error}`)
  await authModule.updateAuthIdentities({ id: registered.authIdentity.id, app_metadata: { user_id: user.id } })
  const login = await api.post("/auth/user/emailpass", { email, password })
  const token: unknown = login.data?.token
  if (typeof token !== "string") throw new Error("the admin login answered no token")
  return { authorization: `Bearer ${token}` }
}

const LOGGER_METHODS = ["panic", "activity", "progress", "error", "failure", "success", "silly", "debug", "verbose", "http", "info", "warn", "log"] as const

/**
 * Everything logged from now until the end of the file: through Medusa's logger (whatever its
 * transport), the console, or stdout/stderr. Each channel still does its work.
 */
export function captureLogs(): { text(): string } {
  const chunks: string[] = []
  const record = (args: unknown[]) => chunks.push(args.map((arg) => (arg instanceof Error ? `${arg.message} ${arg.stack}` : String(arg))).join(" "))
  beforeAll(() => {
    for (const method of LOGGER_METHODS) {
      const original = logger[method].bind(logger)
      jest.spyOn(logger, method).mockImplementation((...args: unknown[]) => {
        record(args)
        return Reflect.apply(original, logger, args)
      })
    }
    for (const method of ["log", "info", "warn", "error", "debug"] as const) {
      jest.spyOn(console, method).mockImplementation((...args: unknown[]) => record(args))
    }
    for (const stream of [process.stdout, process.stderr]) {
      const original = stream.write.bind(stream)
      jest.spyOn(stream, "write").mockImplementation((chunk: string | Uint8Array, ...rest: unknown[]) => {
        record([typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8")])
        return Reflect.apply(original, stream, [chunk, ...rest])
      })
    }
  })
  afterAll(() => jest.restoreAllMocks())
  return { text: () => chunks.join("\n") }
}

type RunnerContext = Parameters<Parameters<typeof medusaIntegrationTestRunner>[0]["testSuite"]>[0]

export interface SettingsSuite {
  client: ApiClient
  container: () => MedusaContainer
  dbConnection: RunnerContext["dbConnection"]
  harness: UsdtHarness
  logs: ReturnType<typeof captureLogs>
  admin: ReturnType<typeof useAdmin>
}

/**
 * The preamble both settings test files share: the harness, the log capture, the Medusa runner
 * and an admin session, handed to `suite` inside the runner.
 */
export function settingsTestRunner(suite: (context: SettingsSuite) => void): void {
  jest.setTimeout(120_000)
  const harness = useUsdtHarness()
  const logs = captureLogs()
  medusaIntegrationTestRunner({
    testSuite: ({ api, getContainer, dbConnection }) => {
      const client: ApiClient = api
      const container = (): MedusaContainer => getContainer()
      useProcessedDeliveries(harness, container)
      suite({ client, container, dbConnection, harness, logs, admin: useAdmin(() => client, container, () => harness.sandbox.url) })
    },
  })
}
