/**
 * The attack suite's tools: the shared raw HTTP/1.1 sender and tried/refused count
 * (test/security/raw-http.ts), a snapshot of every table that holds money or
 * settings (rejected deliveries are logged in usdt_webhook_delivery by design, so it is not
 * compared) and a record of every answer for the secrets scan.
 */
export { type AttackCount, attackCount, type RawAnswer, sendRaw } from "../../../security/raw-http"

/** The tables an attack must not change. */
const MONEY_TABLES = ["payment", "capture", "refund", '"order"', "payment_session", "payment_collection", "cart", "order_cart", "usdt_gateway_setting"]

export interface Raw {
  raw(sql: string): Promise<{ rows: unknown[] }>
}

export async function moneySnapshot(db: Raw): Promise<Record<string, unknown[]>> {
  const snapshot: Record<string, unknown[]> = {}
  for (const table of MONEY_TABLES) {
    const { rows } = await db.raw(`select * from ${table} order by id`)
    snapshot[table] = rows
  }
  return snapshot
}

/** Every answer body seen during the file, for the secrets scan. */
export const answersSeen: string[] = []
