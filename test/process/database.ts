/**
 * Template databases for everything that runs Medusa as a real process (`medusa start`): the
 * process tests, the chaos target and the benchmarks. A store is migrated and seeded once into
 * a template (a minute), and each use gets a clone of it (CREATE DATABASE … TEMPLATE, a second).
 * The template is built under a temporary name and renamed when ready, so two runs at once never
 * see half a template; its COMMENT holds a key of what shaped it (Medusa's lock, the config, the
 * seed, the migrations) and the seed's ids (no secrets). A template whose key no longer matches
 * is rebuilt.
 *
 * `freshDatabase` is the process tests' store (demo/seed.ts, a template per key, kept);
 * bench/medusa/database.ts builds its own store on `templateDatabases`.
 */
import { spawn } from "node:child_process"
import { createHash } from "node:crypto"
import { createWriteStream, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Client } from "pg"
import { z } from "zod"

export const ROOT = join(__dirname, "..", "..")
export const MEDUSA_BIN = join(ROOT, "node_modules", ".bin", "medusa")
export const SEED_ADMIN = { email: "admin@usdt-process.test", password: "usdt-process-admin" }

/** The ids both seeds write (demo/seed.ts and bench/medusa/seed.ts go through demo/seed-store.ts). */
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

/** The PostgreSQL server of the DB_* variables (the ones Medusa's test runner reads). */
export function serverUrl(database = "postgres"): string {
  const user = process.env.DB_USERNAME || "postgres"
  const password = process.env.DB_PASSWORD ? `:${encodeURIComponent(process.env.DB_PASSWORD)}` : ""
  const host = process.env.DB_HOST || "localhost"
  return `postgres://${user}${password}@${host}:${process.env.DB_PORT || 5432}/${database}`
}

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return []
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? filesUnder(path) : [path]
  })
}

function runMedusa(args: string[], env: NodeJS.ProcessEnv, logFile: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(MEDUSA_BIN, args, { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] })
    const log = createWriteStream(logFile)
    let output = ""
    const onData = (d: Buffer) => {
      log.write(d)
      output = (output + d.toString()).slice(-4000)
    }
    child.stdout.on("data", onData)
    child.stderr.on("data", onData)
    child.on("error", (error) => {
      log.end()
      reject(error)
    })
    child.on("exit", (code) => {
      log.end()
      if (code === 0) resolve()
      else reject(new Error(`medusa ${args.join(" ")} exited ${code} (full output: ${logFile}):\n${output}`))
    })
  })
}

export interface TemplateSpec<S extends object> {
  /** What names the template: `${prefix}_${key}` unless `name` is given. */
  prefix: string
  /** A fixed name for the template (one per run at a time); default: one name per key. */
  name?: string
  /** The `medusa exec` script that seeds the store, from the repository root (e.g. "./demo/seed.ts"). */
  seedScript: string
  /** Variables that tell the seed script where to write its ids (a JSON file) in `stateDir`, and where that file is. */
  seedOutput(stateDir: string): { env: Record<string, string>; file: string }
  /** The seed's ids as the script wrote them. */
  seedSchema: z.ZodType<S>
  /** The server to use; default `serverUrl` (DB_* variables). */
  serverUrl?: (database: string) => string
  /** Progress lines (building a template takes a minute); default silent. */
  log?: (line: string) => void
}

export interface Template<S> {
  name: string
  seed: S
}

export interface TemplateDatabases<S> {
  /** The template, migrated and seeded with `env` when it is missing or its key is stale. */
  ensure(env: NodeJS.ProcessEnv): Promise<Template<S>>
  /** A fresh copy of the template, named after `label`. */
  clone(template: Template<S>, label: string): Promise<string>
  drop(database: string): Promise<void>
  url(database: string): string
}

/** Migrate + seed once into a template, clone per use: the one implementation behind the process tests' and the benchmarks' stores. */
export function templateDatabases<S extends object>(spec: TemplateSpec<S>): TemplateDatabases<S> {
  const url = spec.serverUrl ?? serverUrl
  const log = spec.log ?? (() => undefined)
  const keyOfNote = z.looseObject({ template_key: z.string().optional() })

  async function withServer<T>(run: (client: Client) => Promise<T>): Promise<T> {
    const client = new Client({ connectionString: url("postgres"), connectionTimeoutMillis: 5_000 })
    await client.connect()
    try {
      return await run(client)
    } finally {
      await client.end()
    }
  }

  /** Whatever changes the migrated schema or the seed changes the key. */
  function templateKey(): string {
    const hash = createHash("sha256")
    const inputs = [
      join(ROOT, "package-lock.json"),
      join(ROOT, "medusa-config.ts"),
      join(ROOT, spec.seedScript),
      join(ROOT, "demo", "seed-store.ts"),
      ...filesUnder(join(ROOT, "src", "modules")).filter((path) => path.includes("/migrations/")).sort(),
    ]
    // A file moved elsewhere just drops out of the hash.
    for (const path of inputs.filter((input) => existsSync(input))) hash.update(path.slice(ROOT.length)).update(readFileSync(path))
    return hash.digest("hex").slice(0, 12)
  }

  /** The template's seed when it exists with this key; a stale one of a fixed name is dropped. */
  async function readTemplate(name: string, key: string): Promise<S | null> {
    return withServer(async (client) => {
      const found = await client.query<{ comment: string | null }>("select shobj_description(oid, 'pg_database') as comment from pg_database where datname = $1", [name])
      if (found.rowCount === 0) return null
      let note: unknown = null
      try {
        note = JSON.parse(found.rows[0]?.comment ?? "null")
      } catch {
        // not ours, or from an older format: rebuilt below
      }
      // The note is the seed plus its `template_key`: flat, so that a reader that knows only the
      // seed's ids (and strips the rest) reads it too. A template named by its key may lack one.
      const noted = keyOfNote.safeParse(note)
      const keyMatches = noted.success && (noted.data.template_key === key || (noted.data.template_key === undefined && !spec.name))
      const seed = spec.seedSchema.safeParse(note)
      if (keyMatches && seed.success) return seed.data
      await client.query(`drop database if exists "${name}" with (force)`)
      return null
    })
  }

  async function ensure(env: NodeJS.ProcessEnv): Promise<Template<S>> {
    const key = templateKey()
    const name = spec.name ?? `${spec.prefix}_${key}`
    const existing = await readTemplate(name, key)
    if (existing) {
      log(`reusing the template database ${name}`)
      return { name, seed: existing }
    }
    const building = `${name}_b${process.pid}`
    await withServer(async (client) => {
      await client.query(`drop database if exists "${building}"`)
      await client.query(`create database "${building}"`)
    })
    const stateDir = mkdtempSync(join(tmpdir(), `${spec.prefix}-seed-`))
    try {
      const output = spec.seedOutput(stateDir)
      const stepEnv = { ...env, DATABASE_URL: url(building), ...output.env }
      log(`migrating and seeding the template database ${name} (once)…`)
      await runMedusa(["db:migrate"], stepEnv, join(tmpdir(), `${spec.prefix}-migrate.log`))
      await runMedusa(["exec", spec.seedScript], stepEnv, join(tmpdir(), `${spec.prefix}-seed.log`))
      const seed = spec.seedSchema.parse(JSON.parse(readFileSync(output.file, "utf8")))
      const note = JSON.stringify({ ...seed, template_key: key }).replace(/'/g, "''")
      await withServer(async (client) => {
        await client.query(`comment on database "${building}" is '${note}'`)
        const taken = await client.query("select 1 from pg_database where datname = $1", [name])
        if (taken.rowCount) await client.query(`drop database "${building}"`)
        else await client.query(`alter database "${building}" rename to "${name}"`)
      })
      return { name, seed }
    } catch (error) {
      await withServer((client) => client.query(`drop database if exists "${building}" with (force)`)).catch(() => undefined)
      throw error
    } finally {
      rmSync(stateDir, { recursive: true, force: true })
    }
  }

  return {
    ensure,
    async clone(template, label) {
      const database = `${spec.prefix}_${label.replace(/[^a-z0-9_]/gi, "_").toLowerCase()}_${process.pid}_${Date.now().toString(36)}`
      await withServer((client) => client.query(`create database "${database}" template "${template.name}"`))
      return database
    },
    async drop(database) {
      await withServer((client) => client.query(`drop database if exists "${database}" with (force)`))
    },
    url,
  }
}

/** The process tests' store: demo/seed.ts with SEED_ADMIN, one template per key, kept for the next run. */
const processTemplates = templateDatabases({
  prefix: "usdt_tpl",
  seedScript: "./demo/seed.ts",
  seedOutput: (stateDir) => ({
    env: { DEMO_STATE_DIR: stateDir, DEMO_ADMIN_EMAIL: SEED_ADMIN.email, DEMO_ADMIN_PASSWORD: SEED_ADMIN.password },
    file: join(stateDir, "seed.json"),
  }),
  seedSchema: seededStoreSchema,
})

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
  const template = await processTemplates.ensure({ ...process.env, NODE_ENV: "development", MEDUSA_DISABLE_TELEMETRY: "true", USDT_RECONCILE_ENABLED: "false" })
  const name = await processTemplates.clone(template, label)
  const url = serverUrl(name)
  return {
    name,
    url,
    store: template.seed,
    async connect() {
      const client = new Client({ connectionString: url })
      await client.connect()
      return client
    },
    drop: () => processTemplates.drop(name),
  }
}
