/**
 * Medusa instances sharing Redis, as far as locking goes: each call makes one
 * @medusajs/locking-redis provider on its own connection (REDIS_URL, default
 * redis://127.0.0.1:6379). Call at the top of a describe; connections close after it.
 */
import { RedisLockingProvider } from "@medusajs/locking-redis/dist/services/redis-lock"
import { Redis } from "ioredis"

type LockClient = ConstructorParameters<typeof RedisLockingProvider>[0]["redisClient"]

export function useRedisLockingInstances(): () => RedisLockingProvider {
  const clients: Redis[] = []
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.quit()))
  })
  return function instance(): RedisLockingProvider {
    const client = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379", { maxRetriesPerRequest: 1 })
    clients.push(client)
    // The provider adds its lock commands to the client it is given.
    return new RedisLockingProvider({ redisClient: client as LockClient }, {})
  }
}
