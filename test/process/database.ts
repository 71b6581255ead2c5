/**
 * Databases for tests that run Medusa as a real process (`medusa start`): one migrated and
 * seeded template per version of the schema (named by a hash of what shapes it), cloned in a
 * second for each run. The seed's ids (no secrets) travel as the template's COMMENT.
 */
import { spawn } from "node:child_process"
import { createHash } from "node:crypto"
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Client } from "pg"
import { z } from "zod"

export const ROOT = join(__dirname, "..", "..")
export const MEDUSA_BIN = join(ROOT, "node_modules", ".bin", "medusa")
export const SEED_ADMIN = { email: "admin@usdt-process.test", password: "usdt-process-admin" }

export const seededStoreSchema = z.object({
  regionId: z.string(),
  salesChannelId: z.string(),
  publishableKey: z.string(),
  stockLocationId: z.string(),
  shippingOptionId: z.string(),
  productId: z.string(),
  variantId: z.string(),
})
export type ProcessStore = z.infer<typeof seededStoreSchema>

export function serverUrl(database = "postgres"): string {
  const user = process.env.DB_USERNAME || "postgres"
  const password = process.env.DB_PASSWORD ? `:${encodeURIComponent(process.env.DB_PASSWORD)}` : ""
  const host = process.env.DB_HOST || "localhost"
  return `postgres://${user}${password}@${host}:${process.env.DB_PORT || 5432}/${database}`
}

async function withServer<T>(run: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: serverUrl(), connectionTimeoutMillis: 5_000 })
  await client.connect()
  try {
    return await run(client)
  } finally {
    await client.end()
  }
}

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return []
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? filesUnder(path) : [path]
  })
}

/** Whatever changes the migrated schema or the seed changes the template's name. */
function templateName(): string {
  const hash = createHash("sha256")
  const inputs = [
    join(ROOT, "package-lock.json"),
    join(ROOT, "medusa-config.ts"),
    join(ROOT, "demo", "seed.ts"),
    join(ROOT, "demo", "seed-store.ts"),
    ...filesUnder(join(ROOT, "src", "modules")).filter((path) => path.includes("/migrations/")).sort(),
  ]
  // A file moved elsewhere (the seed may move next to the demo) just drops out of the hash.
  for (const path of inputs.filter((input) => existsSync(input))) hash.update(path.slice(ROOT.length)).update(readFileSync(path))
  return `usdt_tpl_${hash.digest("hex").slice(0, 12)}`
}

function runMedusa(args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(MEDUSA_BIN, args, { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] })
    let output = ""
    child.stdout.on("data", (d: Buffer) => (output = (output + d.toString()).slice(-4000)))
    child.stderr.on("data", (d: Buffer) => (output = (output + d.toString()).slice(-4000)))
    child.on("error", reject)
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`medusa ${args.join(" ")} exited ${code}:\n${output}`))))
  })
}

async function readTemplate(name: string): Promise<ProcessStore | null> {
  return withServer(async (client) => {
    const found = await client.query<{ comment: string | null }>(
      "select shobj_description(oid, 'pg_database') as comment from pg_database where datname = $1",
      [name]
    )
    const comment = found.rows[0]?.comment
    if (!comment) return null
    const parsed = seededStoreSchema.safeParse(JSON.parse(comment))
    return parsed.success ? parsed.data : null
  })
}

/** Migrates and seeds the template when this version of the schema has none yet. */
async function ensureTemplate(): Promise<{ name: string; store: ProcessStore }> {
  const name = templateName()
  const existing = await readTemplate(name)
  if (existing) return { name, store: existing }
  const building = `${name}_b${process.pid}`
  await withServer(async (client) => {
    await client.query(`drop database if exists "${building}"`)
    await client.query(`create database "${building}"`)
  })
  const stateDir = mkdtempSync(join(tmpdir(), "usdt-seed-"))
  try {
    const env = {
      ...process.env,
      NODE_ENV: "development",
      MEDUSA_DISABLE_TELEMETRY: "true",
      DATABASE_URL: serverUrl(building),
      DEMO_STATE_DIR: stateDir,
      DEMO_ADMIN_EMAIL: SEED_ADMIN.email,
      DEMO_ADMIN_PASSWORD: SEED_ADMIN.password,
      USDT_RECONCILE_ENABLED: "false",
    }
    await runMedusa(["db:migrate"], env)
    await runMedusa(["exec", "./demo/seed.ts"], env)
    const store = seededStoreSchema.parse(JSON.parse(readFileSync(join(stateDir, "seed.json"), "utf8")))
    await withServer(async (client) => {
      await client.query(`comment on database "${building}" is '${JSON.stringify(store).replace(/'/g, "''")}'`)
      const taken = await client.query("select 1 from pg_database where datname = $1", [name])
      if (taken.rowCount) await client.query(`drop database "${building}"`)
      else await client.query(`alter database "${building}" rename to "${name}"`)
    })
    return { name, store }
  } finally {
    rmSync(stateDir, { recursive: true, force: true })
  }
}

export interface ProcessDatabase {
  name: string
  url: string
  store: ProcessStore
  /** A client of this database (the caller ends it). */
  connect(): Promise<Client>
  drop(): Promise<void>
}

/** A fresh, migrated and seeded database of its own, named after `label`. */
export async function freshDatabase(label: string): Promise<ProcessDatabase> {
  const template = await ensureTemplate()
  const name = `usdt_${label.replace(/[^a-z0-9_]/gi, "_").toLowerCase()}_${process.pid}_${Date.now().toString(36)}`
  await withServer((client) => client.query(`create database "${name}" template "${template.name}"`))
  const url = serverUrl(name)
  return {
    name,
    url,
    store: template.store,
    async connect() {
      const client = new Client({ connectionString: url })
      await client.connect()
      return client
    },
    async drop() {
      await withServer((client) => client.query(`drop database if exists "${name}" with (force)`))
    },
  }
}
