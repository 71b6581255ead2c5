/**
 * What Medusa knows about the payment sessions a page of gateway payments names: one Query per
 * page (not per payment), parsed into the engine's SessionFacts.
 */
import type { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { z } from "zod"
import type { Cents } from "../gateway"
import { refundLedgerIn } from "../modules/usdt-gateway/refund-ledger"
import { usdtGatewayIn } from "../modules/usdt-gateway/saved-credentials"
import { centsOf } from "../providers/usdt/checkout"
import { readSessionData } from "../providers/usdt/session-data"
import { MEDUSA_SESSION_NOTE } from "./medusa-verdicts"
import type { SessionFacts } from "./verdicts"

const amount = z.union([z.number(), z.string()])
const sessionRow = z.looseObject({
  id: z.string(),
  provider_id: z.string(),
  status: z.string(),
  data: z.record(z.string(), z.unknown()).nullish(),
  payment: z
    .looseObject({
      id: z.string(),
      captured_at: z.union([z.string(), z.date()]).nullish(),
      refunds: z.array(z.looseObject({ amount }).nullable()).nullish(),
    })
    .nullish(),
})
type SessionRow = z.infer<typeof sessionRow>

const FIELDS = ["id", "provider_id", "status", "data", "payment.id", "payment.captured_at", "payment.refunds.amount"]

function factsOf(row: SessionRow): SessionFacts {
  const data = readSessionData(row.data)
  const flags = data.flags ?? {}
  const canceledFlag = flags.canceled
  const expiredFlag = canceledFlag !== undefined && canceledFlag.reason === "checkout_expired"
  const refunds = row.payment?.refunds ?? []
  return {
    id: row.id,
    provider_id: row.provider_id,
    status: row.status,
    underpaid: row.status === "requires_more",
    amount_cents: data.amount_cents,
    captured: Boolean(row.payment?.captured_at),
    refunded_cents: refunds.reduce((sum, refund) => sum + (refund ? centsOf(refund.amount, "refund amount") : 0), 0),
    canceled: row.status === "canceled" || expiredFlag || flags.paid_after_cancel !== undefined,
  }
}

/** The facts of every session among `notes` that exists; notes that cannot be session ids are skipped. */
export async function sessionFactsByNote(container: MedusaContainer, notes: Iterable<string | null>): Promise<Map<string, SessionFacts>> {
  const ids = [...new Set([...notes].map((note) => note?.trim() ?? "").filter((note) => MEDUSA_SESSION_NOTE.test(note)))]
  const facts = new Map<string, SessionFacts>()
  if (ids.length === 0) return facts
  const byNote = new Map<string, SessionRow>()
  for (const row of await sessionRows(container, ids)) byNote.set(row.id, row)
  // A note of a replaced session: the session that reused its checkout (checkout records) speaks for it.
  const missing = ids.filter((id) => !byNote.has(id))
  const ledger = missing.length > 0 ? usdtGatewayIn(container) : null
  if (ledger) {
    const reusing = await ledger.listCheckoutRecords({ note: missing, opened: false })
    const noteOf = new Map(reusing.map((record) => [record.session_id, record.note]))
    for (const row of await sessionRows(container, [...noteOf.keys()])) {
      const note = noteOf.get(row.id)
      const known = note === undefined ? undefined : byNote.get(note)
      if (note && (!known || Boolean(row.payment?.captured_at))) byNote.set(note, row)
    }
  }
  const recordOf = (row: SessionRow) => readSessionData(row.data).gateway_payment_id
  const excess = await excessRefundedByRecord(container, [...byNote.values()].map(recordOf))
  for (const [note, row] of byNote) {
    const recordId = recordOf(row)
    facts.set(note, { ...factsOf(row), excess_refunded_cents: recordId === undefined ? 0 : (excess.get(String(recordId)) ?? 0) })
  }
  return facts
}

/** Excess refunds made from the order's USDT panel, per gateway payment (one ledger read per page). */
async function excessRefundedByRecord(container: MedusaContainer, recordIds: Array<number | undefined>): Promise<Map<string, Cents>> {
  const ids = recordIds.flatMap((id) => (id === undefined ? [] : [String(id)]))
  const sums = new Map<string, Cents>()
  if (ids.length === 0) return sums
  for (const row of await refundLedgerIn(container).listRefunds(ids)) {
    if (row.kind === "excess" && row.status === "completed") sums.set(row.gateway_payment_id, (sums.get(row.gateway_payment_id) ?? 0) + row.amount_cents)
  }
  return sums
}

async function sessionRows(container: MedusaContainer, ids: string[]): Promise<SessionRow[]> {
  if (ids.length === 0) return []
  const query = container.resolve(ContainerRegistrationKeys.QUERY)
  const { data } = await query.graph({ entity: "payment_session", fields: FIELDS, filters: { id: ids } })
  const rows: unknown[] = Array.isArray(data) ? data : []
  return rows.map((raw) => sessionRow.parse(raw))
}
