/**
 * The development store's medusa-config.ts: with REDIS_URL it loads Medusa's Redis event bus,
 * workflow engine, cache and locking modules (so that locks hold across instances), each of
 * which resolves from this install; without it, none of them (Medusa's in-memory defaults).
 */
import { z } from "zod"

const moduleSchema = z.looseObject({ resolve: z.string().optional(), options: z.record(z.string(), z.unknown()).optional() })
const configSchema = z.looseObject({
  projectConfig: z.looseObject({ redisUrl: z.string().optional(), workerMode: z.string().optional() }),
  modules: z.record(z.string(), z.union([moduleSchema, z.boolean()])),
})

function loadConfig(env: Record<string, string | undefined>) {
  const saved = { ...process.env }
  Object.assign(process.env, env)
  for (const [key, value] of Object.entries(env)) if (value === undefined) delete process.env[key]
  try {
    let config: unknown
    jest.isolateModules(() => {
      config = jest.requireActual("../../medusa-config")
    })
    return configSchema.parse(config)
  } finally {
    process.env = saved
  }
}

function resolveOf(config: z.infer<typeof configSchema>, key: string): string | undefined {
  const entry = config.modules[key]
  return typeof entry === "object" ? entry.resolve : undefined
}

describe("medusa-config.ts", () => {
  it("uses Medusa's Redis modules when REDIS_URL is set, and they resolve from this install", () => {
    const config = loadConfig({ REDIS_URL: "redis://127.0.0.1:6379/3", MEDUSA_WORKER_MODE: "worker" })
    expect(config.projectConfig.redisUrl).toBe("redis://127.0.0.1:6379/3")
    expect(config.projectConfig.workerMode).toBe("worker")
    expect(resolveOf(config, "event_bus")).toBe("@medusajs/medusa/event-bus-redis")
    expect(resolveOf(config, "workflows")).toBe("@medusajs/medusa/workflow-engine-redis")
    expect(resolveOf(config, "cache")).toBe("@medusajs/medusa/cache-redis")
    const locking = config.modules.locking
    expect(typeof locking === "object" && JSON.stringify(locking.options)).toContain("@medusajs/medusa/locking-redis")
    for (const name of ["event-bus-redis", "workflow-engine-redis", "cache-redis", "locking", "locking-redis"]) {
      expect(() => require.resolve(`@medusajs/medusa/${name}`)).not.toThrow()
    }
  })

  it("keeps Medusa's in-memory modules without REDIS_URL", () => {
    const config = loadConfig({ REDIS_URL: undefined, MEDUSA_WORKER_MODE: undefined })
    expect(config.projectConfig.workerMode).toBe("shared")
    const redisResolves = Object.values(config.modules).filter((entry) => typeof entry === "object" && JSON.stringify(entry).includes("-redis"))
    expect(redisResolves).toEqual([])
  })

  it("offers Medusa's Stripe provider only when a Stripe key is given", () => {
    const payment = (env: Record<string, string | undefined>) => JSON.stringify(loadConfig(env).modules.payment)
    expect(payment({ STRIPE_API_KEY: undefined })).not.toContain("payment-stripe")
    expect(payment({ STRIPE_API_KEY: "sk_test_x", STRIPE_WEBHOOK_SECRET: "whsec_x" })).toContain("@medusajs/medusa/payment-stripe")
  })
})
