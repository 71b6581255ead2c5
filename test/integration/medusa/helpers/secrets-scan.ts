/**
 * The secrets scan: every row of every table of the store's database, as text, and whatever
 * else the suite collected (log lines, HTTP answers), searched for each secret in plain text
 * (`secretsIn`, shared with the Shopify half).
 */
import type { Raw } from "./attacks"

export { secretsIn } from "../../../security/secrets-scan"

export async function databaseText(db: Raw): Promise<string> {
  const { rows } = await db.raw(
    "select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' and table_name not like 'mikro_orm%'"
  )
  const tables = rows.map((row) => (typeof row === "object" && row !== null && "table_name" in row ? String(row.table_name) : "")).filter(Boolean)
  const union = tables.map((table) => `select '${table}' as t, string_agg(x::text, E'\\n') as rows from "${table}" x`).join(" union all ")
  const dump = await db.raw(union)
  return dump.rows.map((row) => JSON.stringify(row)).join("\n")
}
