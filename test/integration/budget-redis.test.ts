/**
 * The merchant's budget across instances: two pacers (two "instances", each with its own Redis
 * connection) share one window through Redis and together stay under a gateway that enforces
 * 120 a window, where two pacers counting apart draw 429s. Needs Redis at REDIS_URL (default
 * redis://127.0.0.1:6379).
 */
import { Redis } from "ioredis"
import { createGatewayClient, createPacer, type GatewayClient, type Pacer } from "../../src/gateway"
import { closeMerchantBudgets, merchantPacer } from "../../src/payments/merchant-budget"
import { redisWindowStore } from "../../src/payments/redis-window-store"
import { type RunningSandbox, startSandbox } from "../../src/sandbox"
import { control, requestLog } from "./gateway-helpers"

const merchant = { id: 8202, apiKey: "sk_test_budget_redis_0123", webhookSecret: "whsec_budget" }
// The gateway's 120 a minute, with the minute shortened to one second.
const budget = { limit: 120, windowMs: 1000 }
let sandbox: RunningSandbox
const clients: GatewayClient[] = []
const connections: Redis[] = []
const fallbacks: unknown[] = []

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, merchants: [merchant], quiet: true, rateLimit: budget })
})
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()))
  await Promise.all(connections.map((r) => r.quit()))
  await closeMerchantBudgets()
  await sandbox.stop()
})

function instance(pacer: Pacer): GatewayClient {
  // A 429 is waited out and retried, but the sandbox's request log counts each one.
  const client = createGatewayClient({ baseUrl: sandbox.url, merchantId: merchant.id, apiKey: merchant.apiKey, pacer, maxRateLimitRetries: 3 })
  clients.push(client)
  return client
}

function redisPacer(key: string): Pacer {
  const redis = new Redis(process.env.REDIS_URL || "redis://127.0.0.1:6379", { maxRetriesPerRequest: 1 })
  connections.push(redis)
  return createPacer({ ...budget, store: redisWindowStore(redis, { key, onFallback: (error) => fallbacks.push(error) }) })
}

async function burst(a: GatewayClient, b: GatewayClient, calls: number): Promise<void> {
  await Promise.all(Array.from({ length: calls }, (_, i) => (i % 2 ? a : b).getBalance()))
}

it("two instances sharing the budget through Redis see zero 429s", async () => {
  await control(sandbox.url, "POST", "/reset")
  const key = `test:${process.pid}:${Date.now()}`
  const a = instance(redisPacer(key))
  const b = instance(redisPacer(key))
  const started = Date.now()
  await burst(a, b, 360)
  const log = await requestLog(sandbox.url)
  expect(log.filter((r) => r.status === 429)).toHaveLength(0)
  expect(log.filter((r) => r.status === 200)).toHaveLength(360)
  expect(fallbacks).toEqual([])
  // 360 calls at 120 a window: at least two more windows after the first burst.
  expect(Date.now() - started).toBeGreaterThanOrEqual(2 * budget.windowMs)
}, 30_000)

it("two instances each counting in their own process draw 429s (why the budget is shared)", async () => {
  await control(sandbox.url, "POST", "/reset")
  const a = instance(createPacer(budget))
  const b = instance(createPacer(budget))
  await burst(a, b, 360)
  const log = await requestLog(sandbox.url)
  expect(log.filter((r) => r.status === 429).length).toBeGreaterThan(0)
}, 30_000)

it("the store's own shared budget counts in Redis from its first call: two instances bursting at start-up see zero 429s", async () => {
  await control(sandbox.url, "POST", "/reset")
  const base = process.env.REDIS_URL || "redis://127.0.0.1:6379"
  // Two URLs of one Redis: two connections, as two processes have; the burst starts before either has connected.
  const merchantId = `budget-start-${process.pid}-${Date.now()}`
  const fellBack: unknown[] = []
  const pacerOf = (redisUrl: string) => merchantPacer({ baseUrl: sandbox.url, merchantId, rateLimit: budget, redisUrl, onFallback: (error) => fellBack.push(error) })
  const a = instance(pacerOf(base))
  const b = instance(pacerOf(`${base}/0`))
  await burst(a, b, 240)
  const log = await requestLog(sandbox.url)
  expect(fellBack).toEqual([])
  expect(log.filter((r) => r.status === 429)).toHaveLength(0)
}, 30_000)
