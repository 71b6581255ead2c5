/**
 * The chaos target for the Shopify payments app, all real parts and run as in production: the
 * app's HTTP processes (`npm run shopify` with SHOPIFY_WORKERS=off) and its bullmq workers
 * (`npm run shopify:worker`) as child processes, `--instances` of each on one PostgreSQL
 * database and one Redis, behind a round-robin load balancer that Shopify's session requests,
 * the gateway's webhooks and the shoppers' returns all go through. The Shopify stand-in plays
 * Shopify (and answers 5 % of the app's GraphQL calls with a 503); the runner's sandbox plays
 * the gateway.
 *
 * In Shopify's terms: a checkout is a payment session the stand-in sends; "complete" is the
 * stand-in's session being resolved; a refund is a refund session the stand-in sends (each one
 * sent twice at once, as a Shopify retry would) and waits on; the reconciliation run is the
 * shop's reconcile job, run by a worker. The facts come from Shopify's side (the stand-in's
 * mutation log) and the gateway's: an order is a resolved session, a capture an applied
 * paymentSessionResolve, and a session with two gateway payments or a conflicting mutation
 * counts as doubled.
 *
 * `--crash`: while the shoppers run, a worker is SIGKILLed whenever a settle job is active
 * (every few seconds) and started again; bullmq hands its stalled job to a worker after the lock.
 */
import { type ChildProcess, spawn } from "node:child_process"
import { randomBytes } from "node:crypto"
import { createWriteStream } from "node:fs"
import { join } from "node:path"
import { Client } from "pg"
import { z } from "zod"
import { formatCents, toCents } from "../../src/gateway"
import { createContext } from "../../src/shopify/app"
import { loadConfig } from "../../src/shopify/config"
import { connectGateway } from "../../src/shopify/gateway-connection"
import { referenceOf, returnUrl } from "../../src/shopify/routes/payment-sessions"
import { type RunningStandin, startStandin } from "../../src/shopify/standin"
import { freePort } from "../free-port"
import { ROOT } from "../process/database"
import { type Balancer, startBalancer } from "./balancer"
import type { ChaosTarget, StartTarget } from "./target"

/** The gateway's budget in chaos runs, small enough that instances pacing apart would overdraw it. */
export const SHOPIFY_GATEWAY_BUDGET = { limit: 10, windowMs: 1_000 }
export const CHAOS_SHOP = "usdt-chaos.myshopify.com"
/** What every checkout asks (the underpaying shopper pays 10.00 of it). */
const AMOUNT = "42.00"
const PG_ROOT = process.env.SHOPIFY_TEST_PG ?? "postgres://postgres@127.0.0.1:5432"
const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379"
const TS_NODE = require.resolve("ts-node/dist/bin.js")
/** The stand-in's faults on the app's calls to Shopify. */
const STANDIN_FAULTS = { graphql_error_rate: 0.05 }

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

interface AppProcess {
  name: string
  child: ChildProcess
  output(): string
  kill(signal: NodeJS.Signals): Promise<void>
}

function startProcess(name: string, args: string[], env: Record<string, string>, logDir: string): AppProcess {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env }
  delete childEnv.NODE_OPTIONS
  const child = spawn(process.execPath, [TS_NODE, "--transpile-only", "src/shopify/main.ts", ...args], { cwd: ROOT, env: childEnv, stdio: ["ignore", "pipe", "pipe"] })
  const log = createWriteStream(join(logDir, `${name}.log`), { flags: "a" })
  let text = ""
  const onData = (data: Buffer) => {
    log.write(data)
    text = (text + data.toString()).slice(-20_000)
  }
  child.stdout?.on("data", onData)
  child.stderr?.on("data", onData)
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()))
  child.once("exit", () => log.end())
  return {
    name,
    child,
    output: () => text,
    async kill(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal)
      await Promise.race([exited, sleep(10_000)])
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGKILL")
        await exited
      }
    },
  }
}

async function until(what: string, ready: () => Promise<boolean> | boolean, proc: AppProcess, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (proc.child.exitCode !== null || proc.child.signalCode !== null) throw new Error(`${proc.name} ended before ${what}:\n${proc.output().slice(-3000)}`)
    if (await ready()) return
    if (Date.now() > deadline) throw new Error(`${proc.name}: no ${what} within ${timeoutMs / 1000}s:\n${proc.output().slice(-3000)}`)
    await sleep(200)
  }
}

const appReady = (url: string) => () =>
  fetch(`${url}/health`).then(
    (answer) => answer.ok,
    () => false
  )

async function onServer(sql: string): Promise<void> {
  const client = new Client({ connectionString: `${PG_ROOT}/postgres` })
  await client.connect()
  try {
    await client.query(sql)
  } finally {
    await client.end()
  }
}

const sessionAnswer = z.object({ id: z.string(), status_code: z.number(), redirect_url: z.string().nullable() })
const refundAnswer = z.object({ id: z.string(), status_code: z.number() })
const sandboxPayments = z.object({ data: z.array(z.looseObject({ note: z.string().nullable() })) })

export const startShopifyTarget: StartTarget = async (options) => {
  const tag = `${process.pid}_${randomBytes(3).toString("hex")}`
  const database = `shopify_chaos_${tag}`
  const databaseUrl = `${PG_ROOT}/${database}`
  await onServer(`CREATE DATABASE ${database}`)
  const appPorts = await Promise.all(Array.from({ length: options.instances }, () => freePort()))
  const balancer: Balancer = await startBalancer(
    appPorts.map((port) => `http://127.0.0.1:${port}`),
    await freePort()
  )
  const apiKey = "standin-chaos-key"
  const apiSecret = randomBytes(16).toString("hex")
  const standin: RunningStandin = await startStandin({ apiKey, apiSecret, appUrl: balancer.url, quiet: true, shop: CHAOS_SHOP })
  const env: Record<string, string> = {
    SHOPIFY_API_KEY: apiKey,
    SHOPIFY_API_SECRET: apiSecret,
    SHOPIFY_APP_URL: balancer.url,
    SHOPIFY_API_ORIGIN: standin.url,
    DATABASE_URL: databaseUrl,
    REDIS_URL,
    USDT_ENCRYPTION_KEY: randomBytes(32).toString("hex"),
    USDT_GATEWAY_URL: options.gatewayUrl,
    SHOPIFY_QUEUE_PREFIX: `chaos-${tag}`,
    SHOPIFY_GATEWAY_RATE_LIMIT: String((options.gatewayBudget ?? SHOPIFY_GATEWAY_BUDGET).limit),
    SHOPIFY_GATEWAY_RATE_WINDOW_MS: String((options.gatewayBudget ?? SHOPIFY_GATEWAY_BUDGET).windowMs),
    SHOPIFY_RETRY_BASE_MS: "200",
    SHOPIFY_FIRST_CALL_DELAY_MS: "100",
    SHOPIFY_JOB_LOCK_MS: "2000",
    // Only the run's own reconciliation: no scheduled one during the run.
    SHOPIFY_RECONCILE_EVERY_MS: String(24 * 3600_000),
  }
  // The runner's own handle on the app (as an operator's shell would have): it migrates the
  // database before the instances start, connects the shop's gateway account, and queues the
  // reconciliation run. It serves nothing and runs no job.
  const admin = await createContext(loadConfig({ ...env, SHOPIFY_WORKERS: "off" }), true)
  const { ctx } = admin
  const processes: AppProcess[] = []
  const workers: AppProcess[] = []
  let crashes = 0
  let crashLoop: Promise<void> | undefined
  let stopCrashing = false

  function startWorker(index: number): AppProcess {
    const worker = startProcess(`shopify-worker-${index + 1}`, ["--workers-only"], env, options.logDir)
    processes.push(worker)
    workers[index] = worker
    return worker
  }

  async function stopAll(): Promise<void> {
    stopCrashing = true
    await crashLoop
    await Promise.all(processes.map((proc) => proc.kill("SIGTERM")))
    await Promise.all(Object.values(ctx.queues.all).map((queue) => queue.obliterate({ force: true }).catch(() => undefined)))
    await ctx.reconcile?.queue.obliterate({ force: true }).catch(() => undefined)
    await admin.close()
    await standin.stop()
    await balancer.close()
    await onServer(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`)
  }

  try {
    const apps = appPorts.map((port, index) => startProcess(`shopify-app-${index + 1}`, [], { ...env, PORT: String(port), SHOPIFY_WORKERS: "off" }, options.logDir))
    processes.push(...apps)
    const started = Array.from({ length: options.instances }, (_, index) => startWorker(index))
    await Promise.all([
      ...apps.map((app, index) => until("/health", appReady(`http://127.0.0.1:${appPorts[index]}`), app)),
      ...started.map((worker) => until("\"workers running\"", () => worker.output().includes("workers running"), worker)),
    ])
    const installed = z.object({ installed: z.boolean(), status_code: z.number() }).parse(
      await (await fetch(`${standin.url}/__standin/install`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ shop: CHAOS_SHOP }) })).json()
    )
    if (!installed.installed) throw new Error(`installing ${CHAOS_SHOP} through the stand-in answered ${installed.status_code}`)
    const connected = await connectGateway(ctx, CHAOS_SHOP, { merchantId: String(options.merchant.id), apiKey: options.merchant.apiKey, webhookSecret: options.merchant.webhookSecret })
    if (!connected.ok) throw new Error(connected.message)
    if (!options.calm) await standinPost("/__standin/faults", STANDIN_FAULTS)
  } catch (error) {
    await stopAll()
    throw error
  }

  async function standinPost(path: string, body: unknown): Promise<unknown> {
    const answer = await fetch(`${standin.url}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) })
    return answer.json()
  }

  /** A worker SIGKILLed whenever a settle job is active, then started again, until told to stop. */
  async function crashWorkers(): Promise<void> {
    const settle = ctx.queues.all.settlePayment
    while (!stopCrashing) {
      await sleep(3_000)
      const deadline = Date.now() + 10_000
      while (!stopCrashing && Date.now() < deadline && (await settle.getActiveCount()) === 0) await sleep(20)
      if (stopCrashing) return
      const index = crashes % workers.length
      await workers[index].kill("SIGKILL")
      crashes++
      const worker = startWorker(index)
      await until("\"workers running\"", () => worker.output().includes("workers running"), worker)
    }
  }
  let crashFailed: unknown
  if (options.crash) crashLoop = crashWorkers().catch((error: unknown) => void (crashFailed = error))

  /**
   * Everything queued has run: no settle or refund job waiting, delayed (a retry) or active,
   * and no expiry check running (those wait for the checkout's expiry, long after the run).
   */
  async function drained(timeoutMs: number): Promise<void> {
    const { settlePayment, refund, checkExpiry } = ctx.queues.all
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const counts = await Promise.all([
        settlePayment.getJobCounts("waiting", "delayed", "active", "prioritized"),
        refund.getJobCounts("waiting", "delayed", "active", "prioritized"),
        checkExpiry.getJobCounts("waiting", "active", "prioritized"),
      ])
      const left = counts.reduce((sum, count) => sum + Object.values(count).reduce((a, b) => a + b, 0), 0)
      if (left === 0) return
      if (Date.now() > deadline) throw new Error(`${left} settle/refund job(s) still queued after ${timeoutMs / 1000}s`)
      await sleep(200)
    }
  }

  let settledOnce = false
  let gatewayCache: { at: number; notes: Map<string, number> } | undefined
  async function gatewayRecords(note: string): Promise<number> {
    if (!gatewayCache || Date.now() - gatewayCache.at > 2_000) {
      const all = sandboxPayments.parse(await (await fetch(`${options.gatewayUrl}/__sandbox/payments`)).json()).data
      const notes = new Map<string, number>()
      for (const payment of all) if (payment.note) notes.set(payment.note, (notes.get(payment.note) ?? 0) + 1)
      gatewayCache = { at: Date.now(), notes }
    }
    return gatewayCache.notes.get(note) ?? 0
  }

  const target: ChaosTarget = {
    name: `shopify (${options.instances} app process${options.instances > 1 ? "es" : ""} + ${options.instances} worker${options.instances > 1 ? "s" : ""}${options.crash ? ", workers SIGKILLed mid-job" : ""})`,
    async openCheckout() {
      // Shopify sends the session request again (same id, same body) until it gets a 2xx.
      const id = `chaos-${randomBytes(6).toString("hex")}`
      let last = ""
      for (let attempt = 0; attempt < 5; attempt++) {
        const answer = sessionAnswer.parse(await standinPost("/__standin/payments", { id, amount: AMOUNT, currency: "USD", shop: CHAOS_SHOP }))
        if (answer.status_code >= 200 && answer.status_code < 300 && answer.redirect_url) {
          return { ref: id, note: referenceOf(CHAOS_SHOP, id), checkoutUrl: answer.redirect_url }
        }
        last = `the app answered ${answer.status_code}`
        await sleep(300 * (attempt + 1))
      }
      throw new Error(`payment session ${id}: ${last}`)
    },
    async pollComplete(ref) {
      // The shopper's browser back from the gateway's success page (through the balancer).
      await fetch(returnUrl(balancer.url, CHAOS_SHOP, referenceOf(CHAOS_SHOP, ref)), { redirect: "manual" }).then((answer) => answer.arrayBuffer())
      return standin.state.payments.get(ref)?.state === "resolved"
    },
    async refund(ref, cents) {
      // One refund session, sent twice at once (a Shopify retry racing the first request).
      const id = `refund-${randomBytes(6).toString("hex")}`
      const body = { payment_id: ref, amount: formatCents(cents), id }
      const answers = (await Promise.all([standinPost("/__standin/refunds", body), standinPost("/__standin/refunds", body)])).map((answer) => refundAnswer.parse(answer))
      if (!answers.some((answer) => answer.status_code === 201)) return { ok: false, status: answers[0].status_code, message: "the app refused the refund session" }
      const deadline = Date.now() + 90_000
      for (;;) {
        const session = standin.state.refunds.get(id)
        if (session && session.state !== "pending") return { ok: session.state === "resolved", status: answers[0].status_code, message: session.reason }
        if (Date.now() > deadline) return { ok: false, status: 0, message: `refund session ${id} still pending after 90 s` }
        await sleep(100)
      }
    },
    async reconcile() {
      stopCrashing = true
      await crashLoop
      if (crashFailed) throw new Error(`a worker killed mid-job did not start again: ${crashFailed instanceof Error ? crashFailed.message : String(crashFailed)}`)
      await drained(120_000)
      const queue = ctx.reconcile?.queue
      if (!queue) throw new Error("the app has no reconcile queue")
      const job = await queue.add("reconcile", { shop: CHAOS_SHOP }, { jobId: `chaos-reconcile-${Date.now()}` })
      const deadline = Date.now() + 120_000
      for (;;) {
        const state = await job.getState()
        if (state === "completed") break
        if (state === "failed") throw new Error(`the reconcile job failed: ${(await queue.getJob(job.id ?? ""))?.failedReason ?? "?"}`)
        if (Date.now() > deadline) throw new Error(`the reconcile job is still ${state} after 120 s`)
        await sleep(200)
      }
      const done = await queue.getJob(job.id ?? "")
      await drained(120_000)
      const parts = [`reconcile job ${JSON.stringify(done?.returnvalue ?? null)}`, `balancer ${balancer.counts().join(" / ")} requests per app process`]
      if (options.crash) parts.push(`${crashes} worker(s) SIGKILLed mid-job`)
      return parts.join("; ")
    },
    async facts(ref) {
      if (!settledOnce) await drained(60_000)
      settledOnce = true
      const session = standin.state.payments.get(ref)
      if (!session) return { orders: 0, payments: 0, captures: 0, capturedCents: 0, refundedCents: 0 }
      const applied = (name: string) => session.mutations.filter((m) => m.name === name && m.outcome === "applied").length
      const conflicts = session.mutations.filter((m) => m.outcome === "conflict").length
      const resolved = session.state === "resolved"
      const refunds = [...standin.state.refunds.values()].filter((refund) => refund.paymentId === ref && refund.state === "resolved")
      return {
        orders: resolved ? 1 : 0,
        payments: (await gatewayRecords(referenceOf(CHAOS_SHOP, ref))) + conflicts,
        captures: applied("paymentSessionResolve"),
        capturedCents: resolved ? toCents(AMOUNT) : 0,
        refundedCents: refunds.reduce((sum, refund) => sum + toCents(String(refund.body.amount)), 0),
      }
    },
    stop: stopAll,
  }
  return target
}
