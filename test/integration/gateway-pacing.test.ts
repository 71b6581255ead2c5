/**
 * Pacing: a burst through one client stays under a gateway that enforces its limit, and a
 * 429 the gateway does send is waited out and retried.
 */
import { createGatewayClient, type GatewayClient } from "../../src/gateway"
import { type RunningSandbox, startSandbox } from "../../src/sandbox"
import { control, requestLog } from "./gateway-helpers"

const merchant = { id: 8101, apiKey: "sk_test_pacing_0123456789", webhookSecret: "whsec_pacing" }
// The gateway's 120 a minute, with the minute shortened to one second.
const WINDOW_MS = 1000
let sandbox: RunningSandbox
const clients: GatewayClient[] = []

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, merchants: [merchant], quiet: true, rateLimit: { limit: 120, windowMs: WINDOW_MS } })
})
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()))
  await sandbox.stop()
})

it("500 concurrent calls see zero 429s", async () => {
  const gateway = createGatewayClient({ baseUrl: sandbox.url, merchantId: merchant.id, apiKey: merchant.apiKey, rateLimit: { limit: 120, windowMs: WINDOW_MS } })
  clients.push(gateway)
  await control(sandbox.url, "POST", "/reset")
  const started = Date.now()
  const results = await Promise.all(Array.from({ length: 500 }, () => gateway.getBalance()))
  const elapsed = Date.now() - started
  expect(results).toHaveLength(500)
  const log = await requestLog(sandbox.url)
  expect(log.filter((r) => r.status === 429)).toHaveLength(0)
  expect(log.filter((r) => r.path.includes("/balance"))).toHaveLength(500)
  expect(gateway.stats.rateLimited).toBe(0)
  // 500 calls at 120 a window need at least four more windows after the first burst.
  expect(elapsed).toBeGreaterThanOrEqual(4 * WINDOW_MS)
}, 30_000)

it("a 429 from the gateway is waited out and the call retried", async () => {
  await control(sandbox.url, "POST", "/reset")
  // No pacer on this client: it will run into the gateway's limit and must recover by itself.
  const gateway = createGatewayClient({ baseUrl: sandbox.url, merchantId: merchant.id, apiKey: merchant.apiKey, rateLimit: false })
  clients.push(gateway)
  const results = await Promise.all(Array.from({ length: 150 }, () => gateway.getBalance()))
  expect(results).toHaveLength(150)
  expect(gateway.stats.rateLimited).toBeGreaterThan(0)
  const log = await requestLog(sandbox.url)
  expect(log.filter((r) => r.status === 429).length).toBe(gateway.stats.rateLimited)
  expect(log.filter((r) => r.status === 200)).toHaveLength(150)
}, 30_000)

it("an injected 429 is waited out for as long as the gateway says", async () => {
  await control(sandbox.url, "POST", "/reset")
  await control(sandbox.url, "POST", "/faults", { api_429_rate: 1 })
  const gateway = createGatewayClient({ baseUrl: sandbox.url, merchantId: merchant.id, apiKey: merchant.apiKey, rateLimit: false })
  clients.push(gateway)
  const started = Date.now()
  const pending = gateway.getBalance()
  setTimeout(() => void control(sandbox.url, "POST", "/faults", {}), 300)
  await expect(pending).resolves.toMatchObject({ available_ledger: expect.any(Number) })
  expect(gateway.stats.rateLimited).toBeGreaterThanOrEqual(1)
  // retry_after_seconds is 1: the retry came no sooner than that.
  expect(Date.now() - started).toBeGreaterThanOrEqual(950)
}, 15_000)
