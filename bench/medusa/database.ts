/**
 * The benchmark stores' databases, on the one template-database module the process tests use
 * (test/process/database.ts): the bench store (bench/medusa/seed.ts: USDT, Stripe and the manual
 * provider, plenty of stock, an admin) is migrated and seeded once per `npm run bench` into a
 * template database; each benchmark store is then a copy of it (about a second) and is dropped
 * when the benchmark ends. The template is dropped at exit too, unless BENCH_KEEP_TEMPLATE=true
 * (then a later run reuses it while the migrations, the seed and Medusa's version are unchanged).
 *
 *   BENCH_PG_URL       server to use, default postgres://postgres@localhost:5432/postgres
 *   BENCH_TEMPLATE_DB  the template's name, default usdt_bench_template (two runs at once need two)
 */
import { join } from "node:path"
import { Client } from "pg"
import { z } from "zod"
import { seededStoreSchema, type Template, templateDatabases } from "../../test/process/database"

/** The bench seed: the process tests' store plus the catalogue the carts cycle through (seed.ts: one inventory item each). */
const benchSeedSchema = seededStoreSchema.extend({ variantIds: z.array(z.string()).min(1) })
export type BenchSeed = z.infer<typeof benchSeedSchema>

export const BENCH_ADMIN = { email: "bench-admin@usdt-bench.local", password: "bench-admin-password" }

export function serverUrl(database: string): string {
  const url = new URL(process.env.BENCH_PG_URL || "postgres://postgres@localhost:5432/postgres")
  url.pathname = `/${database}`
  return url.toString()
}

const templates = templateDatabases({
  prefix: "usdt_bench",
  name: process.env.BENCH_TEMPLATE_DB || "usdt_bench_template",
  seedScript: "./bench/medusa/seed.ts",
  seedOutput: (stateDir) => {
    const file = join(stateDir, "seed.json")
    return { env: { BENCH_SEED_FILE: file, BENCH_ADMIN_EMAIL: BENCH_ADMIN.email, BENCH_ADMIN_PASSWORD: BENCH_ADMIN.password }, file }
  },
  seedSchema: benchSeedSchema,
  serverUrl,
  log: (line) => console.error(`[bench] ${line}`),
})

let prepared: Promise<Template<BenchSeed>> | undefined

/** Migrates and seeds the template once (per run, or reused when kept); resolves with its seed. */
export async function benchTemplate(env: NodeJS.ProcessEnv): Promise<BenchSeed> {
  prepared ??= templates.ensure(env)
  return (await prepared).seed
}

const clones = new Set<string>()

/** A fresh copy of the template for one benchmark store. */
export async function cloneTemplate(name: string): Promise<string> {
  if (!prepared) throw new Error("benchTemplate() first: there is no template to copy yet")
  const database = await templates.clone(await prepared, name)
  clones.add(database)
  return database
}

export async function dropDatabase(database: string): Promise<void> {
  await templates.drop(database)
  clones.delete(database)
}

/** At the end of `npm run bench` (or on Ctrl-C): drops every copy left, and the template unless asked to keep it. */
export async function releaseTemplate(): Promise<void> {
  for (const database of [...clones]) await dropDatabase(database)
  if (!prepared) return
  const template = await prepared.catch(() => undefined)
  prepared = undefined
  if (process.env.BENCH_KEEP_TEMPLATE === "true" || !template) return
  await templates.drop(template.name)
}

/** Orders made from carts, with the time each link was written (ms since epoch). */
export async function ordersOfCarts(database: string, cartIds: string[]): Promise<Map<string, number>> {
  const client = new Client({ connectionString: serverUrl(database) })
  await client.connect()
  try {
    const result = await client.query("select cart_id, created_at from order_cart where deleted_at is null and cart_id = any($1)", [cartIds])
    const seen = new Map<string, number>()
    for (const row of result.rows) seen.set(String(row.cart_id), new Date(row.created_at).getTime())
    return seen
  } finally {
    await client.end()
  }
}

/** Counts for the "no doubles" checks: orders per cart, payments and captures per collection. */
export async function doubles(database: string, cartIds: string[]): Promise<{ orders: number; extraOrders: number; extraPayments: number; extraCaptures: number }> {
  const client = new Client({ connectionString: serverUrl(database) })
  await client.connect()
  try {
    const orders = await client.query("select cart_id, count(*)::int as n from order_cart where deleted_at is null and cart_id = any($1) group by cart_id", [cartIds])
    const payments = await client.query(
      `select cpc.cart_id, count(distinct p.id)::int as payments, count(c.id)::int as captures
         from cart_payment_collection cpc
         join payment p on p.payment_collection_id = cpc.payment_collection_id and p.deleted_at is null
         left join capture c on c.payment_id = p.id and c.deleted_at is null
        where cpc.deleted_at is null and cpc.cart_id = any($1)
        group by cpc.cart_id`,
      [cartIds]
    )
    const sum = (rows: { n?: number; payments?: number; captures?: number }[], pick: (r: { n?: number; payments?: number; captures?: number }) => number) =>
      rows.reduce((total, r) => total + Math.max(0, pick(r) - 1), 0)
    return {
      orders: orders.rows.length,
      extraOrders: sum(orders.rows, (r) => r.n ?? 0),
      extraPayments: sum(payments.rows, (r) => r.payments ?? 0),
      extraCaptures: sum(payments.rows, (r) => r.captures ?? 0),
    }
  } finally {
    await client.end()
  }
}
