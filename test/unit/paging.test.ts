import { GatewayContractError, type PaymentsPage, paymentSchema } from "../../src/gateway"
import { type FetchPage, type PageRequest, readPages } from "../../src/gateway/paging"

const FROM = Date.parse("2026-03-24T10:00:00Z")
const records = (count: number, spreadMs = 3_600_000) =>
  Array.from({ length: count }, (_, i) => ({ id: i + 1, createdAt: FROM + Math.floor((i * spreadMs) / Math.max(1, count)) }))

type Behaviour = { cap?: number; ignorePage?: boolean; sayPerPage?: boolean; lieCurrentPage?: boolean }

/** A gateway's list over `all`, honouring the time window, with a paging behaviour; counts calls. */
function gatewayOver(all: { id: number; createdAt: number }[], behaviour: Behaviour) {
  const calls: PageRequest[] = []
  const fetchPage = (perPage: number): FetchPage => async (request) => {
    calls.push(request)
    const inWindow = all.filter((r) => (!request.from || r.createdAt >= request.from.getTime()) && (!request.to || r.createdAt < Math.floor(request.to.getTime() / 1000) * 1000 + 1000))
    const size = Math.min(perPage, behaviour.cap ?? perPage)
    const page = behaviour.ignorePage ? 1 : request.page
    const data = inWindow.slice((page - 1) * size, page * size).map((r) => paymentSchema.parse({ id: r.id, status: "completed", amount: "1.00" }))
    const answer: PaymentsPage = { data, current_page: behaviour.lieCurrentPage ? request.page : page, total: inWindow.length }
    if (behaviour.sayPerPage !== false) answer.per_page = size
    return answer
  }
  return { calls, fetchPage }
}

async function readAll(fetchPage: FetchPage, perPage: number): Promise<number[]> {
  const ids: number[] = []
  for await (const page of readPages(fetchPage, { from: new Date(FROM), to: new Date(FROM + 3_600_000) }, perPage)) ids.push(...page.data.map((p) => p.id))
  return ids
}

describe("reading every page without trusting the page's bookkeeping", () => {
  it("reads an honest gateway in ⌈N / per_page⌉ requests", async () => {
    const gateway = gatewayOver(records(250), {})
    expect(await readAll(gateway.fetchPage(100), 100)).toEqual(records(250).map((r) => r.id))
    expect(gateway.calls).toHaveLength(3)
  })

  it.each<[string, Behaviour]>([
    ["a cap it states in per_page", { cap: 50 }],
    ["a cap it does not state", { cap: 40, sayPerPage: false }],
  ])("follows %s", async (_, behaviour) => {
    const gateway = gatewayOver(records(130), behaviour)
    const ids = await readAll(gateway.fetchPage(100), 100)
    expect(ids).toEqual(records(130).map((r) => r.id))
  })

  it.each<[string, Behaviour]>([
    ["answers current_page 1", { ignorePage: true }],
    ["claims the page asked but sends the first again", { ignorePage: true, lieCurrentPage: true }],
  ])("reads everything once, in bounded requests, from a gateway that ignores page and %s", async (_, behaviour) => {
    const gateway = gatewayOver(records(230), behaviour)
    const ids = await readAll(gateway.fetchPage(100), 100)
    expect([...ids].sort((a, b) => a - b)).toEqual(records(230).map((r) => r.id))
    expect(gateway.calls.length).toBeLessThan(20)
  })

  it("ends in a contract error, not a loop, when one second holds more than a page and page is ignored", async () => {
    const gateway = gatewayOver(records(150, 500), { ignorePage: true })
    await expect(readAll(gateway.fetchPage(100), 100)).rejects.toBeInstanceOf(GatewayContractError)
  })
})
