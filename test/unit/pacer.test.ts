import { createPacer, memoryWindowStore, PacerQueueTimeoutError, sharedPacer } from "../../src/gateway"

/** Largest number of starts inside any window of `windowMs`. */
function busiestWindow(starts: number[], windowMs: number): number {
  let best = 0
  for (let i = 0, j = 0; i < starts.length; i++) {
    while (starts[i] - starts[j] >= windowMs) j++
    best = Math.max(best, i - j + 1)
  }
  return best
}

describe("pacer", () => {
  it("never lets more than `limit` calls start inside one window, and serves them in order", async () => {
    const pacer = createPacer({ limit: 10, windowMs: 200 })
    const starts: number[] = []
    const order: number[] = []
    await Promise.all(
      Array.from({ length: 35 }, (_, i) =>
        pacer.acquire().then((release) => {
          starts.push(Date.now())
          order.push(i)
          release()
        })
      )
    )
    expect(order).toEqual([...order].sort((a, b) => a - b))
    expect(busiestWindow(starts, 200)).toBeLessThanOrEqual(10)
    // 35 calls at 10 per window need at least three further windows.
    expect(starts[starts.length - 1] - starts[0]).toBeGreaterThanOrEqual(3 * 200)
  })

  it("lets a burst up to the limit through at once", async () => {
    const pacer = createPacer({ limit: 5, windowMs: 10_000 })
    const before = Date.now()
    const releases = await Promise.all(Array.from({ length: 5 }, () => pacer.acquire()))
    expect(Date.now() - before).toBeLessThan(1000)
    releases.forEach((release) => release())
    expect(pacer.waiting).toBe(0)
  })

  it("counts a call in flight, and for a whole window from its answer", async () => {
    const pacer = createPacer({ limit: 2, windowMs: 100, marginMs: 0 })
    const first = await pacer.acquire()
    const second = await pacer.acquire()
    let third = false
    const waiting = pacer.acquire().then((release) => {
      third = true
      return release
    })
    // Both slots stay taken while their calls are in flight, however long that is.
    await new Promise((resolve) => setTimeout(resolve, 250))
    expect(third).toBe(false)
    const answeredAt = Date.now()
    first()
    first() // releasing twice counts once
    second()
    ;(await waiting)()
    // The answered call still counted for one window after its answer.
    expect(Date.now() - answeredAt).toBeGreaterThanOrEqual(95)
  })

  it("holds every start until a pause ends", async () => {
    const pacer = createPacer({ limit: 100, windowMs: 1000 })
    const until = Date.now() + 150
    pacer.pauseUntil(until)
    await pacer.acquire()
    expect(Date.now()).toBeGreaterThanOrEqual(until - 2)
  })

  it("refuses a nonsense budget", () => {
    expect(() => createPacer({ limit: 0 })).toThrow(/limit/)
    expect(() => createPacer({ windowMs: -1 })).toThrow(/windowMs/)
  })

  it("shares one pacer per key with the same budget", () => {
    expect(sharedPacer("a#1")).toBe(sharedPacer("a#1"))
    expect(sharedPacer("a#1")).not.toBe(sharedPacer("a#2"))
    expect(sharedPacer("a#1", { limit: 5 }).limit).toBe(5)
  })
})

describe("pacer priorities", () => {
  it("serves confirmations, then checkouts, then polls, then reconciliation, first come first served within each", async () => {
    const pacer = createPacer({ limit: 1, windowMs: 40, marginMs: 0 })
    const hold = await pacer.acquire("reconcile")
    const order: string[] = []
    const queued = (
      [
        ["reconcile", "r1"],
        ["poll", "p1"],
        ["checkout", "c1"],
        ["reconcile", "r2"],
        ["confirm", "w1"],
        ["poll", "p2"],
        ["confirm", "w2"],
        ["checkout", "c2"],
      ] as const
    ).map(([priority, name]) =>
      pacer.acquire(priority).then((release) => {
        order.push(name)
        release()
      })
    )
    expect(pacer.waiting).toBe(8)
    hold()
    await Promise.all(queued)
    expect(order).toEqual(["w1", "w2", "c1", "c2", "p1", "p2", "r1", "r2"])
    expect(pacer.waiting).toBe(0)
  })

  it("lets a confirmation that arrives later overtake waiting polls", async () => {
    const pacer = createPacer({ limit: 1, windowMs: 60, marginMs: 0 })
    ;(await pacer.acquire())()
    const order: string[] = []
    const polls = [1, 2, 3].map((n) => pacer.acquire("poll").then((release) => (order.push(`poll${n}`), release())))
    await new Promise((resolve) => setTimeout(resolve, 10))
    const confirm = pacer.acquire("confirm").then((release) => (order.push("confirm"), release()))
    await Promise.all([...polls, confirm])
    expect(order[0]).toBe("confirm")
  })

  it("counts slots in the store it is given, so two pacers on one store share one budget", async () => {
    const store = memoryWindowStore()
    const a = createPacer({ limit: 4, windowMs: 150, store })
    const b = createPacer({ limit: 4, windowMs: 150, store })
    const starts: number[] = []
    await Promise.all(
      Array.from({ length: 12 }, (_, i) => (i % 2 ? a : b).acquire().then((release) => (starts.push(Date.now()), release())))
    )
    starts.sort((x, y) => x - y)
    expect(busiestWindow(starts, 150)).toBeLessThanOrEqual(4)
  })

  it("keeps serving when its store fails for a moment", async () => {
    const inner = memoryWindowStore()
    let failures = 2
    const pacer = createPacer({
      limit: 5,
      windowMs: 1000,
      store: {
        take: (request) => {
          if (failures-- > 0) throw new Error("store unreachable")
          return inner.take(request)
        },
        finish: (id, at) => inner.finish(id, at),
        pause: (until) => inner.pause(until),
      },
    })
    const release = await pacer.acquire("confirm")
    release()
    expect(failures).toBeLessThan(0)
  })
})

describe("pacer waits with a limit", () => {
  it("gives up on a call that would wait longer than it accepts, and serves the others", async () => {
    const pacer = createPacer({ limit: 1, windowMs: 300, marginMs: 0 })
    ;(await pacer.acquire("confirm"))()
    const started = Date.now()
    const poll = pacer.acquire("poll", { maxWaitMs: 50 })
    const confirm = pacer.acquire("confirm")
    await expect(poll).rejects.toBeInstanceOf(PacerQueueTimeoutError)
    expect(Date.now() - started).toBeLessThan(250)
    expect(pacer.waiting).toBe(1)
    ;(await confirm)()
    expect(pacer.waiting).toBe(0)
  })
})
