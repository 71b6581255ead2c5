/**
 * What must eventually succeed: the resolve mutation failing (HTTP 5xx, "response to
 * start_payment_session not received") and then succeeding resolves once; refunds are resolved
 * at the gateway and at Shopify once per refund session id, concurrent duplicates included, and a
 * refund beyond what was paid is rejected with the reason for the merchant.
 */
import {
  applied,
  type Bench,
  control,
  gatewayPayments,
  installShop,
  pay,
  requestPayment,
  settled,
  SHOP_A,
  standinPayment,
  standinRefund,
  startBench,
  waitFor,
} from "./harness"

// Each case crosses the app, the stand-in, the sandbox, PostgreSQL and Redis: 5 s is short on a busy 2-core machine.
jest.setTimeout(30_000)

let bench: Bench

beforeAll(async () => {
  bench = await startBench({ name: "retries" })
  await installShop(bench, SHOP_A)
}, 30_000)

afterAll(async () => {
  await bench?.stop()
}, 30_000)

afterEach(async () => {
  await control(bench, "POST", "/__standin/faults", { graphql_error_rate: 0, graphql_not_received_rate: 0, graphql_latency_ms: 0 })
})

async function paidSession(id: string, amount: string): Promise<void> {
  const answer = await requestPayment(bench, { amount, id })
  await pay(bench, answer.redirect_url ?? "")
  expect((await settled(bench, id)).state).toBe("resolved")
}

async function failingThenHealed(fault: "graphql_error_rate" | "graphql_not_received_rate", id: string, outcome: string) {
  await control(bench, "POST", "/__standin/faults", { [fault]: 1 })
  const answer = await requestPayment(bench, { amount: "9.00", id })
  await pay(bench, answer.redirect_url ?? "")
  await waitFor(async () => ((await standinPayment(bench, id)).mutations.length >= 3 ? true : undefined), 8_000, "three failed tries")
  await control(bench, "POST", "/__standin/faults", { [fault]: 0 })
  const view = await settled(bench, id)
  expect(view.state).toBe("resolved")
  expect(applied(view.mutations)).toBe(1)
  const outcomes = view.mutations.map((m) => m.outcome)
  expect(outcomes.slice(0, 3)).toEqual([outcome, outcome, outcome])
  expect(outcomes.at(-1)).toBe("applied")
  expect(outcomes.filter((o) => o !== outcome)).toEqual(["applied"])
  expect((await bench.app.ctx.payments.byShopifyId(SHOP_A, id))?.status).toBe("resolved")
}

describe("resolve retried until Shopify takes it", () => {
  it("HTTP 5xx from the Payments Apps API, then success → resolved once", () => failingThenHealed("graphql_error_rate", "retry-5xx", "error"))

  it('"response to start_payment_session not received", then success → resolved once', () =>
    failingThenHealed("graphql_not_received_rate", "retry-not-received", "not_received"))
})

describe("refund session requests", () => {
  it("answer 201 at once; refunded at the gateway and resolved at Shopify", async () => {
    await paidSession("refund-me", "25.00")
    const answer = await control(bench, "POST", "/__standin/refunds", { payment_id: "refund-me", amount: "10.00", id: "refund-1" })
    expect(answer).toEqual({ id: "refund-1", status_code: 201 })
    const view = await waitFor(async () => {
      const refund = await standinRefund(bench, "refund-1")
      return refund.state === "pending" ? undefined : refund
    })
    expect(view.state).toBe("resolved")
    const session = await bench.app.ctx.payments.byShopifyId(SHOP_A, "refund-me")
    const record = (await gatewayPayments(bench)).find((p) => p.note === session?.reference)
    expect(record).toMatchObject({ refunded_amount: "10.00", status: "partially_refunded" })
    expect(record?.refunds).toHaveLength(1)
  })

  it("the same refund id sent 6× concurrently refunds once; a refund beyond what is left is rejected", async () => {
    await paidSession("refund-twice", "15.00")
    const answers = await Promise.all(Array.from({ length: 6 }, () => control(bench, "POST", "/__standin/refunds", { payment_id: "refund-twice", amount: "10.00", id: "refund-dup" })))
    expect(answers.every((a) => JSON.stringify(a) === JSON.stringify({ id: "refund-dup", status_code: 201 }))).toBe(true)
    const done = (id: string) =>
      waitFor(async () => {
        const refund = await standinRefund(bench, id)
        return refund.state === "pending" ? undefined : refund
      })
    expect((await done("refund-dup")).state).toBe("resolved")
    await control(bench, "POST", "/__standin/refunds", { payment_id: "refund-twice", amount: "6.00", id: "refund-over" })
    const over = await done("refund-over")
    expect(over).toMatchObject({ state: "rejected", reason: "PROCESSING_ERROR" })
    const session = await bench.app.ctx.payments.byShopifyId(SHOP_A, "refund-twice")
    const record = (await gatewayPayments(bench)).find((p) => p.note === session?.reference)
    expect(record).toMatchObject({ refunded_amount: "10.00" })
    expect(record?.refunds).toHaveLength(1)
    const stored = await bench.app.ctx.refunds.byShopifyId(SHOP_A, "refund-over")
    expect(stored?.statusDetail).toContain("exceeds the 5.00 USD still refundable")
  })

  it("a refund that arrives while the payment's resolve is not recorded yet waits for it, then refunds (found by the chaos run with workers SIGKILLed)", async () => {
    // Paid and decided "resolve", but every resolve call fails: the session stays open in the app.
    await control(bench, "POST", "/__standin/faults", { graphql_error_rate: 1 })
    const answer = await requestPayment(bench, { amount: "20.00", id: "refund-early" })
    await pay(bench, answer.redirect_url ?? "")
    await waitFor(async () => ((await bench.app.ctx.payments.byShopifyId(SHOP_A, "refund-early"))?.decision === "resolve" ? true : undefined), 8_000, "the decision")
    await control(bench, "POST", "/__standin/refunds", { payment_id: "refund-early", amount: "5.00", id: "refund-early-1" })
    const stored = await waitFor(() => bench.app.ctx.refunds.byShopifyId(SHOP_A, "refund-early-1").then((r) => r ?? undefined), 8_000, "the refund session")
    await waitFor(async () => (((await bench.app.ctx.queues.all.refund.getJob(`refund-${stored.id}`))?.attemptsMade ?? 0) >= 1 ? true : undefined), 8_000, "the refund job's first try")
    expect((await bench.app.ctx.refunds.get(stored.id))?.gatewayState).toBe("none")
    await control(bench, "POST", "/__standin/faults", { graphql_error_rate: 0 })
    expect((await settled(bench, "refund-early", 15_000)).state).toBe("resolved")
    const view = await waitFor(async () => {
      const refund = await standinRefund(bench, "refund-early-1")
      return refund.state === "pending" ? undefined : refund
    }, 15_000, "the refund to settle")
    expect(view.state).toBe("resolved")
    const session = await bench.app.ctx.payments.byShopifyId(SHOP_A, "refund-early")
    expect((await gatewayPayments(bench)).find((p) => p.note === session?.reference)).toMatchObject({ refunded_amount: "5.00" })
  })

  it("a refund beyond the amount paid is rejected without touching the gateway", async () => {
    await paidSession("refund-big", "8.00")
    await control(bench, "POST", "/__standin/refunds", { payment_id: "refund-big", amount: "8.01", id: "refund-big-1" })
    const view = await waitFor(async () => {
      const refund = await standinRefund(bench, "refund-big-1")
      return refund.state === "pending" ? undefined : refund
    })
    expect(view).toMatchObject({ state: "rejected", reason: "PROCESSING_ERROR" })
    const session = await bench.app.ctx.payments.byShopifyId(SHOP_A, "refund-big")
    const record = (await gatewayPayments(bench)).find((p) => p.note === session?.reference)
    expect(record).toMatchObject({ refunded_amount: "0.00", refunds: [] })
  })
})
