/**
 * What Medusa knows about the payment sessions a page of gateway payments names: one Query per
 * page (not per payment), parsed into the engine's SessionFacts.
 */
import type { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { z } from "zod"
import { usdtSettingsIn } from "../modules/usdt-settings/saved-credentials"
import { centsOf } from "../providers/usdt/checkout"
import { readSessionData } from "../providers/usdt/session-data"
import { MEDUSA_SESSION_NOTE, type SessionFacts } from "./verdicts"

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
  for (const row of await sessionRows(container, ids)) facts.set(row.id, factsOf(row))
  // A note of a replaced session: the session that reused its checkout (checkout records) speaks for it.
  const missing = ids.filter((id) => !facts.has(id))
  const ledger = missing.length > 0 ? usdtSettingsIn(container) : null
  if (!ledger) return facts
  const reusing = await ledger.listCheckoutRecords({ note: missing, opened: false })
  const noteOf = new Map(reusing.map((record) => [record.session_id, record.note]))
  for (const row of await sessionRows(container, [...noteOf.keys()])) {
    const note = noteOf.get(row.id)
    const found = factsOf(row)
    if (note && (!facts.has(note) || found.captured)) facts.set(note, found)
  }
  return facts
}

async function sessionRows(container: MedusaContainer, ids: string[]): Promise<SessionRow[]> {
  if (ids.length === 0) return []
  const query = container.resolve(ContainerRegistrationKeys.QUERY)
  const { data } = await query.graph({ entity: "payment_session", fields: FIELDS, filters: { id: ids } })
  const rows: unknown[] = Array.isArray(data) ? data : []
  return rows.map((raw) => sessionRow.parse(raw))
}
