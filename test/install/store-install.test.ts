/**
 * A store owner installs the packed plugin into a new Medusa 2.21 store by the README alone:
 * `npm pack` of the built plugin, a throw-away store whose package.json, tsconfig.json,
 * medusa-config.ts and .env come from the README's install section (so a README that would not work fails here),
 * dependencies from the npm cache this repository's install filled, `medusa db:migrate` on a
 * fresh database, `medusa start`, and then over HTTP: a USD region with pp_usdt_usdt, a cart, a
 * USDT session against the package's own `usdt-sandbox`, payment, the order made by the webhook,
 * the admin's settings route, and the documented reconciliation command.
 */
import { randomBytes } from "node:crypto"
import { mkdirSync, mkdtempSync, statfsSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Client } from "pg"
import { z } from "zod"
import { envFile, type InstallSnippets, readInstallSnippets } from "./readme-install"
import { requestJson } from "../process/store-http"
import { expectStatus, prepareStore, usdtCheckout } from "./store-http"
import { storeLockfile, storeManifestSchema } from "./store-lockfile"
import { freePort } from "../free-port"
import { runCommand, type Service, startService, tail, waitForHttp } from "./store-process"

jest.setTimeout(10 * 60_000)

const ROOT = join(__dirname, "..", "..")
const MERCHANT = { id: "1", apiKey: `sk_install_${randomBytes(8).toString("hex")}`, secret: `whsec_install_${randomBytes(8).toString("hex")}` }
const ADMIN = { email: "owner@install.test", password: `pw-${randomBytes(6).toString("hex")}` }
const DB = {
  host: process.env.DB_HOST ?? "localhost",
  user: process.env.DB_USERNAME ?? "postgres",
  password: process.env.DB_PASSWORD ?? "",
  name: `usdt_install_${Date.now()}_${randomBytes(3).toString("hex")}`,
}
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g
const timings: Record<string, number> = {}

let snippets: InstallSnippets
let workDir = ""
let storeDir = ""
let packedFiles: string[] = []
let storeUrl = ""
let sandboxUrl = ""
let sandbox: Service | undefined
let server: Service | undefined
let databaseCreated = false

const baseEnv = (): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: "development", MEDUSA_DISABLE_TELEMETRY: "true" }
  if (process.env.npm_config_cache) env.npm_config_cache = process.env.npm_config_cache
  return env
}

/**
 * The store's ~750 MB of node_modules go to memory (/dev/shm) when it has room: writing and
 * removing them there costs seconds where a disk shared with other jobs takes minutes.
 */
function storeParent(): string {
  try {
    const shm = statfsSync("/dev/shm")
    if (shm.bavail * shm.bsize > 3 * 1024 ** 3) return "/dev/shm"
  } catch {
    // no /dev/shm here
  }
  return tmpdir()
}

async function timed<T>(label: string, step: () => Promise<T>): Promise<T> {
  const started = Date.now()
  try {
    return await step()
  } finally {
    timings[label] = Math.round((Date.now() - started) / 100) / 10
  }
}

async function adminDb<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ host: DB.host, user: DB.user, password: DB.password, database: "postgres" })
  await client.connect()
  try {
    return await work(client)
  } finally {
    await client.end()
  }
}

async function run(command: string, args: string[], what: string, cwd: string, timeoutMs: number, env: NodeJS.ProcessEnv = baseEnv()): Promise<string> {
  const result = await runCommand(command, args, { cwd, env, timeoutMs })
  if (result.code !== 0) throw new Error(`${what} failed (exit ${result.code}):\n${tail(result.output)}`)
  return result.output
}

beforeAll(async () => {
  timings.started = Date.now()
  snippets = readInstallSnippets(join(ROOT, "README.md"))
  workDir = mkdtempSync(join(storeParent(), "usdt-install-"))
  storeDir = join(workDir, "store")
  mkdirSync(storeDir)

  // scripts/test.mjs has just run `medusa plugin:build`; run alone, the test builds itself.
  if (process.env.USDT_PLUGIN_BUILT !== "1") {
    await timed("plugin build", () => run("npx", ["medusa", "plugin:build"], "medusa plugin:build", ROOT, 5 * 60_000, { ...process.env, MEDUSA_DISABLE_TELEMETRY: "true" }))
  }
  const packed = await timed("npm pack", () => run("npm", ["pack", "--json", "--pack-destination", workDir], "npm pack", ROOT, 2 * 60_000, process.env))
  const pack = z.array(z.looseObject({ filename: z.string(), files: z.array(z.object({ path: z.string() })) })).parse(JSON.parse(packed.slice(packed.indexOf("["))))[0]
  packedFiles = pack.files.map((file) => file.path)

  // The store, written from the README: package.json and medusa-config.ts as they are shown.
  writeFileSync(join(storeDir, "package.json"), snippets.packageJson)
  writeFileSync(join(storeDir, "tsconfig.json"), snippets.tsconfig)
  writeFileSync(join(storeDir, "medusa-config.ts"), snippets.medusaConfig)
  const lock = storeLockfile(join(ROOT, "package-lock.json"), storeManifestSchema.parse(JSON.parse(snippets.packageJson)))
  writeFileSync(join(storeDir, "package-lock.json"), JSON.stringify(lock, null, 2))
  await timed("npm install (store + tarball)", () =>
    run("npm", ["install", join(workDir, pack.filename), "--prefer-offline", "--no-audit", "--no-fund"], "npm install of the tarball", storeDir, 6 * 60_000)
  )

  await adminDb((client) => client.query(`CREATE DATABASE "${DB.name}"`))
  databaseCreated = true
  const [storePort, sandboxPort] = [await freePort(), await freePort()]
  storeUrl = `http://localhost:${storePort}`
  writeFileSync(
    join(storeDir, ".env"),
    envFile(snippets, {
      DATABASE_URL: `postgres://${DB.user}${DB.password ? `:${encodeURIComponent(DB.password)}` : ""}@${DB.host}:5432/${DB.name}`,
      STORE_CORS: "http://localhost:8000",
      ADMIN_CORS: storeUrl,
      AUTH_CORS: `http://localhost:8000,${storeUrl}`,
      JWT_SECRET: randomBytes(16).toString("hex"),
      COOKIE_SECRET: randomBytes(16).toString("hex"),
      USDT_ENCRYPTION_KEY: randomBytes(32).toString("hex"),
      USDT_BACKEND_URL: storeUrl,
      USDT_GATEWAY_URL: `http://127.0.0.1:${sandboxPort}`,
      USDT_MERCHANT_ID: MERCHANT.id,
      USDT_API_KEY: MERCHANT.apiKey,
      USDT_WEBHOOK_SECRET: MERCHANT.secret,
    })
  )

  // The sandbox gateway as the installed package's bin (`npx usdt-sandbox`).
  sandbox = startService("npx", ["--no-install", snippets.sandboxCommand], {
    cwd: storeDir,
    env: { ...baseEnv(), SANDBOX_PORT: String(sandboxPort), SANDBOX_MERCHANT_ID: MERCHANT.id, SANDBOX_API_KEY: MERCHANT.apiKey, SANDBOX_WEBHOOK_SECRET: MERCHANT.secret },
  })
  sandboxUrl = (await sandbox.waitFor(/listening on (http:\/\/\S+)/, 30_000))[1]
}, 12 * 60_000)

afterAll(async () => {
  await timed("stop store and sandbox", async () => {
    await server?.stop()
    await sandbox?.stop()
  })
  if (databaseCreated) await adminDb((client) => client.query(`DROP DATABASE IF EXISTS "${DB.name}" WITH (FORCE)`))
  // `rm -rf` of a store's node_modules is faster than Node's recursive rmSync.
  if (workDir) await timed("remove the store", () => run("rm", ["-rf", workDir], "removing the store", tmpdir(), 10 * 60_000))
  timings["whole tier"] = Math.round((Date.now() - timings.started) / 100) / 10
  delete timings.started
  console.log(`install tier timings (s): ${JSON.stringify(timings)}`)
})

describe("a store installs the packed plugin by the README", () => {
  it("packs only what a store runs: the compiled plugin, no bench, demo, tests or the repository's config", () => {
    expect(packedFiles).toContain(".medusa/server/src/modules/usdt-gateway/index.js")
    expect(packedFiles).toContain(".medusa/server/src/providers/usdt/index.js")
    expect(packedFiles).toContain(".medusa/server/src/admin/index.mjs")
    expect(packedFiles).toContain(".medusa/server/src/sandbox/cli.js")
    const unexpected = packedFiles.filter((path) => !path.startsWith(".medusa/server/src/") && !["package.json", "README.md"].includes(path))
    expect(unexpected).toEqual([])
    expect(packedFiles.filter((path) => /(^|\/)(bench|demo|test|tests)\/|seed-store|medusa-config/.test(path))).toEqual([])
  })

  it("migrates a fresh database (the plugin's usdt_gateway module included)", async () => {
    const output = await timed("medusa db:migrate", () => run("npx", ["--no-install", "medusa", "db:migrate"], "medusa db:migrate", storeDir, 4 * 60_000))
    expect(output).not.toMatch(/Cannot find module/)
    const tables = await adminDb(async () => {
      const client = new Client({ host: DB.host, user: DB.user, password: DB.password, database: DB.name })
      await client.connect()
      try {
        return (await client.query("SELECT table_name FROM information_schema.tables WHERE table_name LIKE 'usdt_%'")).rows
      } finally {
        await client.end()
      }
    })
    expect(tables.length).toBeGreaterThan(0)
    await run("npx", ["--no-install", "medusa", "user", "-e", ADMIN.email, "-p", ADMIN.password], "medusa user", storeDir, 2 * 60_000)
  })

  it("starts, and a shopper pays an order through the sandbox: the webhook makes it", async () => {
    const port = new URL(storeUrl).port
    server = startService("npx", ["--no-install", "medusa", "start"], { cwd: storeDir, env: { ...baseEnv(), PORT: port } })
    await timed("medusa start → /health", () => waitForHttp(`${storeUrl}/health`, 3 * 60_000, server as Service))

    const store = await prepareStore(storeUrl, ADMIN)
    const checkout = await usdtCheckout(storeUrl, store)
    expect(checkout.checkoutUrl.startsWith(sandboxUrl)).toBe(true)

    // Polling before the payment: a normal "not yet", and no error line in the store's log.
    const logBefore = (server as Service).output().length
    const early = await checkout.complete()
    expect(early.status).toBe(400)
    expect(JSON.stringify(early.data)).toMatch(/has not arrived yet/)
    const logDuringPoll = (server as Service).output().slice(logBefore).replace(ANSI, "")
    expect(logDuringPoll).not.toMatch(/Error was thrown|^\s*error\b/im)

    const cs = new URL(checkout.checkoutUrl).searchParams.get("cs")
    const paid = await requestJson(`${sandboxUrl}/__sandbox/checkouts/${encodeURIComponent(cs ?? "")}/pay`, { method: "POST", body: {} })
    expect(paid.status).toBe(200)

    // The webhook (not the shopper) makes the order: wait for it in the admin's order list.
    const ordersSchema = z.looseObject({ orders: z.array(z.looseObject({ id: z.string(), total: z.unknown(), payment_status: z.string().optional() })) })
    const deadline = Date.now() + 60_000
    let orders: z.infer<typeof ordersSchema>["orders"] = []
    while (orders.length === 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 500))
      orders = expectStatus(await requestJson(`${storeUrl}/admin/orders?fields=id,total,payment_status`, { headers: store.headers }), 200, "orders", ordersSchema).orders
    }
    expect(orders).toHaveLength(1)
    expect(orders[0]).toMatchObject({ total: 10.5, payment_status: "captured" })
    // The store answered the gateway 200 once the delivery was recorded (before the order); the sandbox records that answer.
    const deliveriesSchema = z.looseObject({ data: z.array(z.looseObject({ url: z.string(), status: z.string(), last_status_code: z.number().nullable() })) })
    let deliveries: z.infer<typeof deliveriesSchema>["data"] = []
    while (Date.now() < deadline) {
      deliveries = expectStatus(await requestJson(`${sandboxUrl}/__sandbox/deliveries`), 200, "sandbox deliveries", deliveriesSchema).data
      if (deliveries.every((delivery) => delivery.status !== "pending")) break
      await new Promise((resolve) => setTimeout(resolve, 250))
    }
    expect(deliveries).toEqual([expect.objectContaining({ url: `${storeUrl}/hooks/usdt`, status: "delivered", last_status_code: 200 })])

    // The shopper's next poll answers the order the webhook made.
    const after = await checkout.complete()
    expect(after.status).toBe(200)
    expect(after.data).toMatchObject({ type: "order", order: { id: orders[0].id } })
  })

  it("answers the admin's settings route for an admin only", async () => {
    const { headers } = await prepareStoreAdmin()
    const settings = await requestJson(`${storeUrl}/admin/usdt/settings`, { headers })
    expect(settings.status).toBe(200)
    expect(settings.data).toMatchObject({ webhook_url: `${storeUrl}/hooks/usdt` })
    expect(JSON.stringify(settings.data)).not.toContain(MERCHANT.apiKey)
    expect((await requestJson(`${storeUrl}/admin/usdt/settings`)).status).toBe(401)
  })

  it("reconciles with the README's `medusa exec` line", async () => {
    const today = new Date().toISOString().slice(0, 10)
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10)
    const output = await timed("medusa exec reconcile", () =>
      run("npx", ["--no-install", "medusa", "exec", snippets.reconcileScript, `from=${today}`, `to=${tomorrow}`], "reconciliation", storeDir, 3 * 60_000)
    )
    expect(output).toMatch(/\[usdt-reconcile\] run \S+ succeeded: .* 1 payments seen, 0 healed, 1 in sync/)
  })
})

async function prepareStoreAdmin(): Promise<{ headers: Record<string, string> }> {
  const login = await requestJson(`${storeUrl}/auth/user/emailpass`, { method: "POST", body: ADMIN })
  const { token } = expectStatus(login, 200, "admin login", z.object({ token: z.string() }))
  return { headers: { authorization: `Bearer ${token}` } }
}
