/**
 * What Medusa knows about the payment sessions a page of gateway payments names: one Query per
 * page (not per payment), parsed into the engine's SessionFacts.
 */
import type { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { z } from "zod"
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
  const query = container.resolve(ContainerRegistrationKeys.QUERY)
  const { data } = await query.graph({ entity: "payment_session", fields: FIELDS, filters: { id: ids } })
  const rows: unknown[] = Array.isArray(data) ? data : []
  for (const raw of rows) {
    const row = sessionRow.parse(raw)
    facts.set(row.id, factsOf(row))
  }
  return facts
}
