/**
 * The Shopify app's two latencies, all real parts on this machine (PostgreSQL, Redis, the sandbox
 * gateway, the Shopify stand-in, the app with its workers, in one process):
 *  1. payment session request → `redirect_url` (the app opens a gateway checkout under the
 *     session's unique key), 20 requests in flight at all times; goal p99 < 250 ms;
 *  2. the shopper pays → the gateway's webhook → the resolve job → `paymentSessionResolve`
 *     landing at the stand-in.
 * The sandbox runs in a child process. Five shops (each its own gateway merchant, paced at 120 requests a minute) keep every shop
 * inside its budget, so the figures are the app's, not the pacer's waits.
 *
 *   npm run bench shopify        SHOPIFY_BENCH_N=… (default 200 requests)
 */
import { spawn } from "node:child_process"
import { randomBytes, randomUUID } from "node:crypto"
import { cpus, loadavg } from "node:os"
import { createInterface } from "node:readline"
import type { RunningSandbox, SandboxMerchant } from "../src/sandbox"
import { Pool } from "undici"
import { z } from "zod"
import { startLocalStack } from "../src/shopify/local-stack"
import { fmt, line } from "./measure"

const CONCURRENCY = Number(process.env.SHOPIFY_BENCH_CONCURRENCY ?? 20)

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]
}

function summary(values: number[]): string {
  return `p50 ${fmt(percentile(values, 50), 1)} ms · p99 ${fmt(percentile(values, 99), 1)} ms · max ${fmt(Math.max(...values), 1)} ms (n = ${values.length})`
}

async function inPool<T>(count: number, concurrency: number, task: (index: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(count)
  let next = 0
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const index = next++
        results[index] = await task(index)
      }
    })
  )
  return results
}

/** The sandbox gateway in a child process (a remote gateway's work is not the app's CPU). */
async function sandboxProcess(merchants: SandboxMerchant[]): Promise<RunningSandbox> {
  const options = JSON.stringify({ port: 0, merchants, quiet: true, rateLimit: false })
  const code = `require("./src/sandbox").startSandbox(${options}).then((s) => console.log(s.url))`
  const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", "-e", code], { cwd: `${__dirname}/..`, stdio: ["ignore", "pipe", "inherit"] })
  const stdout = child.stdout
  if (!stdout) throw new Error("the sandbox child has no stdout")
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: stdout }).once("line", (text: string) => (text.startsWith("http://") ? resolve(text.trim()) : reject(new Error(`sandbox printed ${text}`))))
    child.once("exit", (status) => reject(new Error(`the sandbox child exited (${status}) before it listened`)))
  })
  return {
    url,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once("exit", () => resolve())
        child.kill("SIGTERM")
      }),
  }
}

export async function benchShopify(): Promise<void> {
  const n = Number(process.env.SHOPIFY_BENCH_N ?? 200)
  const shops: Record<string, SandboxMerchant> = {}
  for (let i = 1; i <= 5; i++) shops[`usdt-bench-${i}.myshopify.com`] = { id: 9100 + i, apiKey: `sk_bench_shopify_${i}_${randomBytes(4).toString("hex")}`, webhookSecret: `whsec_bench_${i}` }
  const names = Object.keys(shops)
  const tag = `${process.pid}_${randomBytes(3).toString("hex")}`
  const stack = await startLocalStack({
    databaseUrl: `${process.env.SHOPIFY_BENCH_PG ?? "postgres://postgres@127.0.0.1:5432"}/shopify_bench_${tag}`,
    redisUrl: process.env.REDIS_URL ?? "redis://127.0.0.1:6379",
    queuePrefix: `bench-${tag}`,
    shops,
    sandbox: await sandboxProcess(Object.values(shops)),
    dropDatabaseOnStop: true,
    env: { SHOPIFY_RETRY_BASE_MS: "200", SHOPIFY_EXPIRY_GRACE_MS: "600000" },
  })
  try {
    for (const shop of names) {
      const installed = await stack.install(shop)
      if (!installed.installed) throw new Error(`${shop} did not install: ${JSON.stringify(installed)}`)
    }
    // A light load client (an undici pool, not fetch): its CPU is spent in the app's process too.
    const client = new Pool(stack.appUrl, { connections: CONCURRENCY })
    const requestOnce = async (index: number): Promise<number> => {
      const id = randomUUID()
      const body = JSON.stringify({
        id,
        gid: `gid://shopify/PaymentSession/${id}`,
        amount: `${10 + (index % 50)}.${String(index % 100).padStart(2, "0")}`,
        currency: "USD",
        test: true,
        kind: "sale",
        payment_method: { type: "offsite", data: { cancel_url: `${stack.standin.url}/checkouts/${id}/cancel` } },
      })
      const started = performance.now()
      const response = await client.request({
        path: "/shopify/payment-sessions",
        method: "POST",
        headers: { "content-type": "application/json", "shopify-shop-domain": names[index % names.length], "shopify-request-id": randomUUID(), "shopify-api-version": "2026-07" },
        body,
      })
      const answer = z.object({ redirect_url: z.string() }).safeParse(await response.body.json())
      const elapsed = performance.now() - started
      if (response.statusCode !== 201 || !answer.success) throw new Error(`payment session answered ${response.statusCode}`)
      return elapsed
    }
    await inPool(20, CONCURRENCY, requestOnce)
    const cpuBefore = process.cpuUsage()
    const wallBefore = performance.now()
    const requestLatencies = await inPool(n, CONCURRENCY, requestOnce)
    const cpu = process.cpuUsage(cpuBefore)
    const wall = performance.now() - wallBefore

    // Webhook → resolve: sessions sent by the stand-in (so that it can be resolved), paid 5 at a time.
    const paid = await inPool(50, 5, async (index) => {
      const shop = names[index % names.length]
      const sent = await fetch(`${stack.standin.url}/__standin/payments`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ amount: "25.00", currency: "USD", shop }) })
      const { id, redirect_url: redirectUrl }: { id: string; redirect_url: string } = await sent.json()
      const cs = new URL(redirectUrl).searchParams.get("cs")
      const paidAt = Date.now()
      const payment = await fetch(`${stack.sandbox.url}/__sandbox/checkouts/${cs}/pay`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" })
      if (payment.status !== 200) throw new Error(`pay answered ${payment.status}`)
      return { id, paidAt }
    })
    await client.close()
    const resolveLatencies: number[] = []
    const deadline = Date.now() + 30_000
    for (const { id, paidAt } of paid) {
      for (;;) {
        const view: { state: string; mutations: { outcome: string; at: string }[] } = await (await fetch(`${stack.standin.url}/__standin/payments/${id}`)).json()
        const appliedAt = view.mutations.find((m) => m.outcome === "applied")?.at
        if (view.state === "resolved" && appliedAt) {
          resolveLatencies.push(Date.parse(appliedAt) - paidAt)
          break
        }
        if (Date.now() > deadline) throw new Error(`session ${id} was not resolved in time`)
        await new Promise((resolve) => setTimeout(resolve, 20))
      }
    }
    console.log(`\nshopify: payments app against the sandbox and the Shopify stand-in (PostgreSQL, Redis, bullmq; ${names.length} shops)`)
    line(`payment session → redirect_url (${CONCURRENCY} in flight)`, summary(requestLatencies))
    line("pay → webhook → paymentSessionResolve", `${summary(resolveLatencies)} (whole-ms clock)`)
    line("app process CPU per request (incl. the load client)", `${fmt((cpu.user + cpu.system) / 1000 / n, 1)} ms; ${fmt((n / wall) * 1000, 0)} requests/s`)
    line("machine", `${cpus().length} cores, load average ${loadavg().map((v) => fmt(v, 1)).join(" / ")} (1/5/15 min)`)
    line("goal", `redirect_url p99 < 250 ms: ${percentile(requestLatencies, 99) < 250 ? "met" : "NOT met"}`)
  } finally {
    await stack.stop()
  }
}
