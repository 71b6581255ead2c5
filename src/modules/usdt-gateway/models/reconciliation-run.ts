import { model } from "@medusajs/framework/utils"

export const RECONCILIATION_RUN_STATUSES = ["running", "succeeded", "failed"] as const
export type ReconciliationRunStatus = (typeof RECONCILIATION_RUN_STATUSES)[number]

/** One run of the reconciliation job (written by that job; this module only stores it). */
export const ReconciliationRun = model
  .define("usdt_reconciliation_run", {
    id: model.id({ prefix: "usdtrec" }).primaryKey(),
    started_at: model.dateTime(),
    finished_at: model.dateTime().nullable(),
    window_from: model.dateTime().nullable(),
    window_to: model.dateTime().nullable(),
    status: model.enum([...RECONCILIATION_RUN_STATUSES]).default("running"),
    pages: model.number().default(0),
    payments_seen: model.number().default(0),
    healed: model.number().default(0),
    expired: model.number().default(0),
    discrepancies: model.json<Record<string, unknown>[]>().nullable(),
    duration_ms: model.number().nullable(),
    requests: model.number().default(0),
    rate_limited: model.number().default(0),
    error: model.text().nullable(),
  })
  .indexes([{ on: ["started_at"] }])

export default ReconciliationRun
