import { type KnownPaymentStatus as PaymentStatus, type Payment, type PaymentsPage, paymentSchema } from "../../src/gateway"
import { reconcile } from "../../src/reconcile/engine"
import { MAX_LISTED_DISCREPANCIES } from "../../src/reconcile/summary"
import type { ExpiryStep, PaymentPageSource, PaymentVerdict, SettlePage } from "../../src/reconcile/types"

const window = { from: new Date("2026-11-01T00:00:00Z"), to: new Date("2026-11-01T06:00:00Z") }

function payment(id: number, fields: Partial<Record<string, unknown>> = {}): Payment {
  return paymentSchema.parse({
    id,
    status: "completed",
    amount: "10.00",
    total_amount: "10.00",
    currency: "USD",
    note: `payses_${id}`,
    created_at: new Date(window.from.getTime() + id * 1000).toISOString(),
    ...fields,
  })
}

/** A gateway of fixed records per status, paged like Laravel, counting its requests. */
function fakeGateway(byStatus: Partial<Record<PaymentStatus, Payment[]>>, options: { failOnPage?: number } = {}) {
  const counters = { requests: 0, rateLimited: 0, retries: 0 }
  const asked: string[] = []
  const source: PaymentPageSource = {
    async *paymentPages({ status, perPage }) {
      const all = byStatus[status] ?? []
      const last = Math.max(1, Math.ceil(all.length / perPage))
      for (let page = 1; page <= last; page++) {
        counters.requests++
        asked.push(`${status}:${page}`)
        if (options.failOnPage === counters.requests) throw new Error("gateway down")
        const result: PaymentsPage = { data: all.slice((page - 1) * perPage, page * perPage), current_page: page, per_page: perPage, last_page: last, total: all.length }
        yield result
      }
    },
  }
  return { source, counters, asked }
}

const inSync: SettlePage = async (payments) => payments.map((p) => ({ gateway_payment_id: p.id, action: "in_sync", discrepancies: [] }))

describe("reconcile engine", () => {
  it("flags a record with a status it does not know, never settles it, and finishes the run", async () => {
    const completed = [payment(1), payment(2, { status: "on_hold" }), payment(3)]
    const gateway = fakeGateway({ completed })
    const settled: number[] = []
    const summary = await reconcile({
      source: gateway.source,
      window,
      settlePage: async (payments) => {
        settled.push(...payments.map((p) => p.id))
        return inSync(payments)
      },
    })
    expect(settled).toEqual([1, 3])
    expect(summary).toMatchObject({ complete: true, payments_seen: 3, in_sync: 2, failed: 0 })
    expect(summary.discrepancy_counts.unknown_status).toBe(1)
    expect(summary.discrepancies[0]).toMatchObject({ kind: "unknown_status", gateway_payment_id: 2 })
    expect(summary.discrepancies[0].message).toContain('"on_hold"')
  })

  it("reads every paid status page by page at the largest size and counts one request per page", async () => {
    const completed = Array.from({ length: 250 }, (_, i) => payment(i + 1))
    const refunded = [payment(900, { status: "refunded", refunded_amount: "10.00" })]
    const gateway = fakeGateway({ completed, refunded })
    const pageSizes: number[] = []
    const summary = await reconcile({
      source: gateway.source,
      counters: gateway.counters,
      window,
      settlePage: async (payments) => {
        pageSizes.push(payments.length)
        return inSync(payments)
      },
    })
    expect(gateway.asked).toEqual(["completed:1", "completed:2", "completed:3", "partially_refunded:1", "refunded:1"])
    expect(pageSizes).toEqual([100, 100, 50, 0, 1])
    expect(summary).toMatchObject({ complete: true, pages: 5, payments_seen: 251, in_sync: 251, healed: 0, requests: 5, failed: 0 })
    expect(summary.window).toEqual({ from: "2026-11-01T00:00:00.000Z", to: "2026-11-01T06:00:00.000Z" })
  })

  it("adds verdicts up: healed, reported discrepancies by kind, failures with the earliest created_at", async () => {
    const payments = [payment(1), payment(2), payment(3), payment(4)]
    const verdicts: Record<number, PaymentVerdict> = {
      1: { gateway_payment_id: 1, action: "healed", discrepancies: [] },
      2: { gateway_payment_id: 2, action: "reported", discrepancies: [{ kind: "unknown_note", gateway_payment_id: 2, message: "?" }] },
      3: { gateway_payment_id: 3, action: "failed", discrepancies: [], failure: "lock timeout" },
      4: { gateway_payment_id: 4, action: "healed", discrepancies: [{ kind: "amount_mismatch", gateway_payment_id: 4, message: "overpaid" }] },
    }
    const gateway = fakeGateway({ completed: payments })
    const summary = await reconcile({ source: gateway.source, window, statuses: ["completed"], settlePage: async (page) => page.map((p) => verdicts[p.id]) })
    expect(summary).toMatchObject({ healed: 2, in_sync: 0, failed: 1, complete: true })
    expect(summary.discrepancy_counts).toMatchObject({ unknown_note: 1, amount_mismatch: 1, refund_not_in_medusa: 0 })
    expect(summary.failures).toEqual([{ gateway_payment_id: 3, message: "lock timeout" }])
    expect(summary.earliest_failure_at).toBe(payments[2].created_at && new Date(payments[2].created_at).toISOString())
  })

  it("keeps memory flat: lists at most the cap of discrepancies but counts them all", async () => {
    const payments = Array.from({ length: 450 }, (_, i) => payment(i + 1, { note: `order-${i}` }))
    const gateway = fakeGateway({ completed: payments })
    const summary = await reconcile({
      source: gateway.source,
      window,
      statuses: ["completed"],
      settlePage: async (page) => page.map((p) => ({ gateway_payment_id: p.id, action: "reported", discrepancies: [{ kind: "unknown_note", gateway_payment_id: p.id, message: "?" }] })),
    })
    expect(summary.discrepancies).toHaveLength(MAX_LISTED_DISCREPANCIES)
    expect(summary.discrepancy_counts.unknown_note).toBe(450)
  })

  it("a settle step that throws fails that page's payments and the run goes on", async () => {
    const gateway = fakeGateway({ completed: Array.from({ length: 150 }, (_, i) => payment(i + 1)) })
    let calls = 0
    const summary = await reconcile({
      source: gateway.source,
      window,
      statuses: ["completed"],
      settlePage: async (page) => {
        if (calls++ === 0) throw new Error("database unavailable")
        return inSync(page)
      },
    })
    expect(summary).toMatchObject({ complete: true, failed: 100, in_sync: 50 })
    expect(summary.failures[0].message).toMatch(/database unavailable/)
  })

  it("stops with complete: false when a page cannot be read, and expires nothing", async () => {
    const gateway = fakeGateway({ completed: Array.from({ length: 150 }, (_, i) => payment(i + 1)) }, { failOnPage: 2 })
    const expire = jest.fn<ReturnType<ExpiryStep["expire"]>, Parameters<ExpiryStep["expire"]>>()
    const summary = await reconcile({ source: gateway.source, window, settlePage: inSync, expiry: { candidates: async () => ["payses_zzz"], expire } })
    expect(summary).toMatchObject({ complete: false, error: "gateway down", pages: 1, payments_seen: 100 })
    expect(expire).not.toHaveBeenCalled()
  })

  it("expires only the candidates whose note no paid page showed", async () => {
    const gateway = fakeGateway({
      completed: [payment(1, { note: "payses_paid" })],
      refunded: [payment(2, { note: " payses_refunded ", status: "refunded", refunded_amount: "10.00" })],
    })
    const expire = jest.fn(async (notes: readonly string[]) => ({ expired: notes.length - 1, failures: [{ note: notes[1], message: "lock timeout", opened_at: "2026-11-01T01:00:00.000Z" }] }))
    const summary = await reconcile({
      source: gateway.source,
      window,
      settlePage: inSync,
      expiry: { candidates: async () => ["payses_paid", "payses_unpaid", "payses_refunded", "payses_also_unpaid"], expire },
    })
    expect(expire).toHaveBeenCalledWith(["payses_unpaid", "payses_also_unpaid"])
    expect(summary).toMatchObject({ complete: true, expired: 1, failed: 1, earliest_failure_at: "2026-11-01T01:00:00.000Z" })
    expect(summary.failures[0].message).toMatch(/payses_also_unpaid: lock timeout/)
  })

  it("reports progress after each page, and a throw there stops the run", async () => {
    const gateway = fakeGateway({ completed: Array.from({ length: 201 }, (_, i) => payment(i + 1)) })
    const seen: string[] = []
    const summary = await reconcile({
      source: gateway.source,
      window,
      statuses: ["completed"],
      settlePage: inSync,
      onPage: (progress) => {
        seen.push(`${progress.page}/${progress.lastPage}:${progress.count}:${progress.summary.payments_seen}`)
        if (progress.page === 2) throw new Error("lost the lock")
      },
    })
    expect(seen).toEqual(["1/3:100:100", "2/3:100:200"])
    expect(summary).toMatchObject({ complete: false, error: "lost the lock" })
  })

  it("refuses a page size above the gateway's largest", async () => {
    await expect(reconcile({ source: fakeGateway({}).source, window, settlePage: inSync, pageSize: 101 })).rejects.toThrow(/pageSize/)
  })
})
