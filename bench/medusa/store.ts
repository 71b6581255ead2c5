/**
 * A benchmark store: real `medusa start` processes (one or more, e.g. a server and a worker)
 * on free ports, on a fresh copy of the template database, against an in-process sandbox
 * gateway and the Stripe stand-in. `stop()` ends every process it started and drops the
 * database. The gateway budget is set out of the way (the `budget` benchmark measures it).
 */
import type { ChildProcess } from "node:child_process"
import { randomUUID } from "node:crypto"
import { createWriteStream } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { z } from "zod"
import { freePort } from "../../demo/preflight"
import { startService } from "../../demo/processes"
import { type RunningSandbox, startSandbox } from "../../src/sandbox"
import { BENCH_ADMIN, type BenchSeed, benchTemplate, cloneTemplate, dropDatabase, serverUrl } from "./database"
import { type CpuReading, readCpu } from "./cpu"
import { removeTimings } from "./timings"
import { startStripeStandIn, type StripeStandIn } from "./stripe-standin"

const ROOT = join(__dirname, "..", "..")
export const BENCH_MERCHANT = { id: 4242, apiKey: "sk_bench_store_4242_key", webhookSecret: "whsec_bench_store_4242" }
/** A raw POST /checkout-session to the store's sandbox, as the provider sends it (the checkout benchmark's reference, the copied carts' checkouts). */
export function rawCheckoutRequest(store: Pick<BenchStore, "url" | "sandbox">, note: string) {
  return {
    origin: store.sandbox.url,
    method: "POST" as const,
    path: "/api/v1/merchant/checkout-session",
    headers: {
      merchant: String(BENCH_MERCHANT.id),
      authorization: `Bearer ${BENCH_MERCHANT.apiKey}`,
      accept: "application/json",
      "content-type": "application/json",
      "idempotency-key": randomUUID(),
    },
    body: JSON.stringify({ amount: "15.50", note, notify_url: `${store.url}/hooks/usdt` }),
  }
}

export const STRIPE_WEBHOOK_SECRET = "whsec_bench_stripe_test_secret"

export interface InstanceSpec {
  workerMode: "shared" | "server" | "worker"
}

export interface BenchStoreOptions {
  name: string
  /** Default: one shared instance. */
  instances?: InstanceSpec[]
  /** Medusa's Redis modules: the REDIS_URL to give every instance; default none (in-memory modules). */
  redis?: string
  /** Preload the timing probe (timing-probe.cjs): `timingFile` then names its sums (bench/medusa/timings.ts). */
  timing?: boolean
}

export interface BenchStore {
  /** Origins of the instances that serve HTTP (not the workers). */
  urls: string[]
  url: string
  database: string
  seed: BenchSeed
  sandbox: RunningSandbox
  stripe: StripeStandIn
  /** Where the timing probe writes (with `timing: true`), else undefined. */
  timingFile?: string
  adminToken(): Promise<string>
  /** CPU so far of every Medusa process of the store and of its database's backends (bench/medusa/cpu.ts). */
  cpu(): Promise<CpuReading>
  stop(): Promise<void>
}

function baseEnv(sandboxUrl: string, stripeUrl: string, timingFile: string | undefined): NodeJS.ProcessEnv {
  return {
    ...process.env,
    NODE_ENV: "development",
    MEDUSA_DISABLE_TELEMETRY: "true",
    MEDUSA_ADMIN_DISABLED: "true",
    LOG_LEVEL: process.env.BENCH_MEDUSA_LOG_LEVEL || "warn",
    USDT_GATEWAY_URL: sandboxUrl,
    USDT_MERCHANT_ID: String(BENCH_MERCHANT.id),
    USDT_API_KEY: BENCH_MERCHANT.apiKey,
    USDT_WEBHOOK_SECRET: BENCH_MERCHANT.webhookSecret,
    USDT_HTTP_RATE_LIMIT: "1000000",
    USDT_RECONCILE_ENABLED: "false",
    // Webhooks are signed when the benchmark prepares them, and a loaded machine may take minutes
    // to serve 100 at 50 concurrent: the last would pass the default 300 s tolerance.
    USDT_WEBHOOK_TOLERANCE_SECONDS: "900",
    STRIPE_API_KEY: "sk_test_bench_standin",
    STRIPE_WEBHOOK_SECRET,
    BENCH_STRIPE_URL: stripeUrl,
    NODE_OPTIONS: [process.env.NODE_OPTIONS, `--require ${join(__dirname, "stripe-host.cjs")}`, timingFile ? `--require ${join(__dirname, "timing-probe.cjs")}` : ""].filter(Boolean).join(" "),
    BENCH_TIMING_FILE: timingFile ?? "",
  }
}

async function waitHealthy(url: string, child: ChildProcess, log: string, timeoutMs = 180_000): Promise<void> {
  const until = Date.now() + timeoutMs
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`medusa start exited (${child.exitCode ?? child.signalCode}); see ${log}`)
    try {
      if ((await fetch(`${url}/health`)).status === 200) return
    } catch {
      // not up yet
    }
    if (Date.now() > until) throw new Error(`medusa start did not answer ${url}/health in ${timeoutMs / 1000} s; see ${log}`)
    await new Promise((resolve) => setTimeout(resolve, 300))
  }
}

function stopChild(child: ChildProcess): Promise<void> {
  if (!child.pid || child.exitCode !== null) return Promise.resolve()
  const gone = new Promise<void>((resolve) => child.once("exit", () => resolve()))
  try {
    process.kill(-child.pid, "SIGTERM")
  } catch {
    return Promise.resolve()
  }
  const pid = child.pid
  const kill = setTimeout(() => {
    try {
      process.kill(-pid, "SIGKILL")
    } catch {
      // gone
    }
  }, 8_000)
  return gone.finally(() => clearTimeout(kill))
}

export async function startBenchStore(options: BenchStoreOptions): Promise<BenchStore> {
  const sandbox = await startSandbox({ port: 0, merchants: [BENCH_MERCHANT], quiet: true, rateLimit: false })
  const stripe = await startStripeStandIn(STRIPE_WEBHOOK_SECRET)
  const children: ChildProcess[] = []
  let database: string | undefined
  const timingFile = options.timing ? join(tmpdir(), `usdt-bench-timing-${options.name}-${process.pid}`) : undefined
  if (timingFile) removeTimings(timingFile)
  const stop = async () => {
    await Promise.all(children.map(stopChild))
    if (timingFile) removeTimings(timingFile)
    if (database) await dropDatabase(database)
    await stripe.close()
    await sandbox.stop()
  }
  try {
    const env = baseEnv(sandbox.url, stripe.url, timingFile)
    const seed = await benchTemplate(env)
    database = await cloneTemplate(options.name)
    const instances = options.instances ?? [{ workerMode: "shared" }]
    const ports = await Promise.all(instances.map(() => freePort()))
    const servers = instances.map((spec, i) => ({ spec, url: `http://127.0.0.1:${ports[i]}` }))
    const backendUrl = servers.find((s) => s.spec.workerMode !== "worker")?.url ?? servers[0].url
    const medusa = join(ROOT, "node_modules", ".bin", "medusa")
    for (const [i, server] of servers.entries()) {
      const log = join(tmpdir(), `usdt-bench-${options.name}-${process.pid}-${i}.log`)
      const child = startService(medusa, ["start"], {
        cwd: ROOT,
        log: createWriteStream(log),
        env: {
          ...env,
          DATABASE_URL: serverUrl(database),
          PORT: String(ports[i]),
          USDT_BACKEND_URL: backendUrl,
          MEDUSA_WORKER_MODE: server.spec.workerMode,
          REDIS_URL: options.redis ?? "",
        },
      })
      children.push(child)
      await waitHealthy(server.url, child, log)
    }
    const urls = servers.filter((s) => s.spec.workerMode !== "worker").map((s) => s.url)
    let token: string | undefined
    return {
      urls,
      url: urls[0],
      database,
      seed,
      sandbox,
      stripe,
      timingFile,
      async adminToken() {
        if (token) return token
        const answer = await fetch(`${urls[0]}/auth/user/emailpass`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(BENCH_ADMIN),
        })
        token = z.object({ token: z.string() }).parse(await answer.json()).token
        return token
      },
      cpu: () => readCpu(children.flatMap((child) => (child.pid ? [child.pid] : [])), database ?? ""),
      stop,
    }
  } catch (error) {
    await stop()
    throw error
  }
}
