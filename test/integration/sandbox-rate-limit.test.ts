import { API, bearer, call, errorOf, manualClock, OTHER, requestLog, start, useSandboxWithReceiver } from "./sandbox-helpers"

describe("sandbox gateway: rate limit per merchant", () => {
  const clock = manualClock()
  const env = useSandboxWithReceiver({ now: clock.now, rateLimit: { limit: 3, windowMs: 10_000 } })

  const balance = (headers = bearer()) => call(env.sandbox, "GET", `${API}/balance`, { headers })

  it("answers 429 with retry_after_seconds and Retry-After over the limit, in a sliding window", async () => {
    const t0 = clock.now()
    for (let i = 0; i < 3; i++) {
      expect((await balance()).status).toBe(200)
      clock.advance(1_000)
    }
    // Starts at t0, t0+1s, t0+2s; now t0+3s: the oldest frees at t0+10s.
    const refused = await balance()
    expect(refused.status).toBe(429)
    expect(errorOf(refused).retry_after_seconds).toBe(7)
    expect(refused.headers.get("retry-after")).toBe("7")

    // Another merchant has its own budget.
    expect((await balance(bearer(OTHER))).status).toBe(200)

    clock.set(t0 + 9_500)
    const almost = await balance()
    expect(almost.status).toBe(429)
    expect(errorOf(almost).retry_after_seconds).toBe(1) // 0.5 s, rounded up
    expect(almost.headers.get("retry-after")).toBe("1")

    clock.set(t0 + 10_000)
    expect((await balance()).status).toBe(200)
    // The slot of t0+1s frees at t0+11s, 1 s away.
    const again = await balance()
    expect(again.status).toBe(429)
    expect(errorOf(again).retry_after_seconds).toBe(1)

    // Refused requests do not count against the budget, and they are logged.
    const statuses = (await requestLog(env.sandbox)).filter((entry) => entry.merchant_id === 1).map((entry) => entry.status)
    expect(statuses).toEqual([200, 200, 200, 429, 429, 200, 429])
  })

  it("is off with rateLimit: false", async () => {
    const open = await start({ rateLimit: false })
    try {
      const statuses = await Promise.all(Array.from({ length: 150 }, () => call(open, "GET", `${API}/balance`).then((r) => r.status)))
      expect(new Set(statuses)).toEqual(new Set([200]))
    } finally {
      await open.stop()
    }
  })

  it("defaults to 120 a minute", async () => {
    const fixed = manualClock()
    const limited = await start({ rateLimit: undefined, now: fixed.now })
    try {
      const statuses = await Promise.all(Array.from({ length: 121 }, () => call(limited, "GET", `${API}/balance`).then((r) => r.status)))
      expect(statuses.filter((s) => s === 200)).toHaveLength(120)
      expect(statuses.filter((s) => s === 429)).toHaveLength(1)
    } finally {
      await limited.stop()
    }
  })
})
