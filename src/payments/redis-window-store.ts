/**
 * The pacer's window kept in Redis, so that every instance of a store (several Medusa servers,
 * a server and a worker, Shopify workers) draws on one request budget per merchant.
 *
 * One sorted set per merchant: a slot in flight is scored with its lease's end (so a crashed
 * instance's slot frees itself), an answered one with its answer time; both count until a window
 * after their score. Times are Redis's own clock (TIME), so the instances' clocks may differ.
 * When Redis cannot be reached the store falls back to counting in this process, so a Redis
 * outage slows nothing down; it only stops the sharing until Redis is back.
 */
import type { Redis } from "ioredis"
import { z } from "zod"
import { memoryWindowStore, type SlotGrant, type WindowStore } from "../gateway"

/** KEYS: slots, pause. ARGV: span ms, limit, slot id, lease ms. Returns {1, 0} or {0, wait ms}. */
const TAKE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local span = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local lease = tonumber(ARGV[4])
local paused = tonumber(redis.call('GET', KEYS[2]) or '0')
if paused > now then return {0, paused - now} end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - span)
if redis.call('ZCARD', KEYS[1]) >= limit then
  local oldest = tonumber(redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')[2])
  if oldest > now then return {0, 50} end
  return {0, math.max(1, oldest + span - now)}
end
redis.call('ZADD', KEYS[1], now + lease, ARGV[3])
redis.call('PEXPIRE', KEYS[1], span + lease + 1000)
return {1, 0}
`

/** KEYS: slots. ARGV: slot id. The answer is in: the slot counts for a window from now. */
const FINISH = `
if not redis.call('ZSCORE', KEYS[1], ARGV[1]) then return 0 end
local t = redis.call('TIME')
redis.call('ZADD', KEYS[1], 'XX', tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000), ARGV[1])
return 1
`

/** KEYS: pause. ARGV: pause ms from now. Extends, never shortens, a pause. */
const PAUSE = `
local t = redis.call('TIME')
local until_ = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) + tonumber(ARGV[1])
if until_ > tonumber(redis.call('GET', KEYS[1]) or '0') then
  redis.call('SET', KEYS[1], until_, 'PX', tonumber(ARGV[1]) + 1000)
end
return 1
`

const takeAnswer = z.tuple([z.number(), z.number()])

export interface RedisWindowStoreOptions {
  /** Names this budget (one per gateway and merchant); no secret belongs in it. */
  key: string
  /** Longest a call may stay in flight before its slot frees itself. Default 120 000 ms. */
  leaseMs?: number
  /** Told once when Redis fails and the store counts in this process instead. */
  onFallback?: (error: unknown) => void
}

export function redisWindowStore(redis: Redis, options: RedisWindowStoreOptions): WindowStore {
  const slots = `usdt:budget:${options.key}:slots`
  const pause = `usdt:budget:${options.key}:pause`
  const leaseMs = options.leaseMs ?? 120_000
  const local = memoryWindowStore()
  let sequence = 0
  let warned = false
  const prefix = `${process.pid}-${Math.random().toString(36).slice(2, 10)}`

  function fellBack(error: unknown): void {
    if (warned) return
    warned = true
    options.onFallback?.(error)
  }

  return {
    async take(request): Promise<SlotGrant> {
      const id = `${prefix}-${++sequence}`
      try {
        const [granted, waitMs] = takeAnswer.parse(await redis.eval(TAKE, 2, slots, pause, request.spanMs, request.limit, id, leaseMs))
        warned = false
        return granted === 1 ? { granted: true, id } : { granted: false, retryAt: request.now + waitMs }
      } catch (error) {
        fellBack(error)
        const grant = await local.take(request)
        return grant.granted ? { granted: true, id: `local:${grant.id}` } : grant
      }
    },
    async finish(id, at) {
      if (id.startsWith("local:")) return local.finish(id.slice("local:".length), at)
      try {
        await redis.eval(FINISH, 1, slots, id)
      } catch (error) {
        fellBack(error)
      }
    },
    async pause(until) {
      await local.pause(until)
      const ms = Math.ceil(until - Date.now())
      if (ms <= 0) return
      try {
        await redis.eval(PAUSE, 1, pause, ms)
      } catch (error) {
        fellBack(error)
      }
    },
  }
}
