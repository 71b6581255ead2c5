/**
 * The benchmark stores' databases. Migrating and seeding a store takes ~20–60 s, so it is done
 * once per `npm run bench` into a template database; each benchmark store is then a copy of it
 * (CREATE DATABASE … TEMPLATE, about a second) and is dropped when the benchmark ends. The
 * template is dropped at exit too, unless BENCH_KEEP_TEMPLATE=true (then a later run reuses it
 * while the migrations and Medusa's version are unchanged).
 *
 *   BENCH_PG_URL       server to use, default postgres://postgres@localhost:5432/postgres
 *   BENCH_TEMPLATE_DB  the template's name, default usdt_bench_template (two runs at once need two)
 */
import { createHash } from "node:crypto"
import { readdirSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Client } from "pg"
import { z } from "zod"
import { runStep } from "../../demo/processes"

const ROOT = join(__dirname, "..", "..")
const TEMPLATE = process.env.BENCH_TEMPLATE_DB || "usdt_bench_template"
const seededSchema = z.object({
  regionId: z.string(),
  salesChannelId: z.string(),
  publishableKey: z.string(),
  stockLocationId: z.string(),
  shippingOptionId: z.string(),
  productId: z.string(),
  variantId: z.string(),
  /** The catalogue the carts cycle through (seed.ts: one inventory item each). */
  variantIds: z.array(z.string()).min(1),
})
export type BenchSeed = z.infer<typeof seededSchema>

export const BENCH_ADMIN = { email: "bench-admin@usdt-bench.local", password: "bench-admin-password" }

export function serverUrl(database: string): string {
  const url = new URL(process.env.BENCH_PG_URL || "postgres://postgres@localhost:5432/postgres")
  url.pathname = `/${database}`
  return url.toString()
}

async function withServer<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: serverUrl("postgres") })
  await client.connect()
  try {
    return await work(client)
  } finally {
    await client.end()
  }
}

/** What the template must match: Medusa's version and this plugin's migrations. */
function templateKey(): string {
  const medusa = readFileSync(join(ROOT, "node_modules", "@medusajs", "medusa", "package.json"), "utf8")
  const migrations = join(ROOT, "src", "modules", "usdt-gateway", "migrations")
  const files = readdirSync(migrations).sort().map((name) => readFileSync(join(migrations, name), "utf8"))
  const seed = readFileSync(join(__dirname, "seed.ts"), "utf8")
  return createHash("sha256").update(medusa).update(seed).update(files.join("\n")).digest("hex").slice(0, 16)
}

let prepared: Promise<BenchSeed> | undefined

/** Migrates and seeds the template once (per run, or reused when kept); resolves with its seed. */
export function benchTemplate(env: NodeJS.ProcessEnv): Promise<BenchSeed> {
  prepared ??= prepareTemplate(env)
  return prepared
}

async function prepareTemplate(env: NodeJS.ProcessEnv): Promise<BenchSeed> {
  const key = templateKey()
  const kept = await withServer(async (client) => {
    const found = await client.query("select shobj_description(oid, 'pg_database') as note from pg_database where datname = $1", [TEMPLATE])
    if (found.rowCount === 0) return null
    const note = z.object({ key: z.string(), seed: seededSchema }).safeParse(JSON.parse(String(found.rows[0].note ?? "null")))
    if (note.success && note.data.key === key) return note.data.seed
    await client.query(`drop database ${TEMPLATE} with (force)`)
    return null
  })
  if (kept) {
    console.error(`[bench] reusing the template database ${TEMPLATE}`)
    return kept
  }
  await withServer((client) => client.query(`create database ${TEMPLATE}`))
  const medusa = join(ROOT, "node_modules", ".bin", "medusa")
  const seedFile = join(tmpdir(), `usdt-bench-seed-${process.pid}.json`)
  const stepEnv = { ...env, DATABASE_URL: serverUrl(TEMPLATE), BENCH_SEED_FILE: seedFile, BENCH_ADMIN_EMAIL: BENCH_ADMIN.email, BENCH_ADMIN_PASSWORD: BENCH_ADMIN.password }
  console.error("[bench] migrating and seeding the template store (once)…")
  await runStep(medusa, ["db:migrate"], { env: stepEnv, cwd: ROOT, label: "migrating the bench template", logFile: join(tmpdir(), "usdt-bench-migrate.log") })
  await runStep(medusa, ["exec", "./bench/medusa/seed.ts"], { env: stepEnv, cwd: ROOT, label: "seeding the bench template", logFile: join(tmpdir(), "usdt-bench-seed.log") })
  const seed = seededSchema.parse(JSON.parse(readFileSync(seedFile, "utf8")))
  rmSync(seedFile, { force: true })
  const note = JSON.stringify({ key, seed }).replace(/'/g, "''")
  await withServer((client) => client.query(`comment on database ${TEMPLATE} is '${note}'`))
  return seed
}

const clones = new Set<string>()

/** A fresh copy of the template for one benchmark store. */
export async function cloneTemplate(name: string): Promise<string> {
  const database = `usdt_bench_${name.replace(/[^a-z0-9_]/g, "_")}_${process.pid}`
  await withServer(async (client) => {
    await client.query(`drop database if exists ${database} with (force)`)
    await client.query(`create database ${database} template ${TEMPLATE}`)
  })
  clones.add(database)
  return database
}

export async function dropDatabase(database: string): Promise<void> {
  await withServer((client) => client.query(`drop database if exists ${database} with (force)`))
  clones.delete(database)
}

/** At the end of `npm run bench` (or on Ctrl-C): drops every copy left, and the template unless asked to keep it. */
export async function releaseTemplate(): Promise<void> {
  for (const database of [...clones]) await dropDatabase(database)
  if (!prepared) return
  prepared = undefined
  if (process.env.BENCH_KEEP_TEMPLATE === "true") return
  await dropDatabase(TEMPLATE)
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
