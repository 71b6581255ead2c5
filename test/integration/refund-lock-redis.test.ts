/**
 * The refund lock across two Medusa instances sharing Redis (@medusajs/locking-redis): refunds
 * of one order queue one after another, none is refused, and one that cannot get its turn in
 * time is refused with a clear message having done nothing. Needs Redis at REDIS_URL.
 */
import { refundLockKey, withRefundLock } from "../../src/refunds/refund-lock"
import { useRedisLockingInstances } from "./redis-locking"

describe("the refund lock across instances (Redis)", () => {
  const instance = useRedisLockingInstances()
  const key = refundLockKey(`order_test_${process.pid}_${Date.now()}`)
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

  it("six refunds of one order from two instances run one at a time, and all of them run", async () => {
    const instances = [instance(), instance()]
    let running = 0
    let most = 0
    const done: number[] = []
    await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        withRefundLock(instances[i % 2], key, async () => {
          running++
          most = Math.max(most, running)
          await sleep(40)
          running--
          done.push(i)
        }, 3)
      )
    )
    expect(most).toBe(1)
    expect(done.sort()).toEqual([0, 1, 2, 3, 4, 5])
  })

  it("a refund that cannot get its turn in time is refused, and its job never runs", async () => {
    const [a, b] = [instance(), instance()]
    let release = () => {}
    const holding = withRefundLock(a, key, () => new Promise<void>((resolve) => (release = resolve)))
    await sleep(50)
    let ran = false
    await expect(
      withRefundLock(b, key, async () => {
        ran = true
      }, 1)
    ).rejects.toMatchObject({ message: expect.stringMatching(/Another refund of this order was still running after 1 s; nothing was refunded/) })
    expect(ran).toBe(false)
    release()
    await holding
  })
})
