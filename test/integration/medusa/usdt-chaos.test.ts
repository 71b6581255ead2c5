/**
 * The chaos run at CI size: `npm run test:chaos -- --checkouts 5 --concurrency 5` (each kind of
 * shopper once, the faults) must end with its exact last line and exit 0. The same for
 * the Shopify app scaled out: `--target shopify --instances 2 --checkouts 10 --concurrency 5`
 * (two app processes and two bullmq workers on one PostgreSQL and Redis behind a balancer, the
 * gateway's budget enforced: no 429 from it, or the run exits 1).
 * The full-size run (N = 300, C = 20) is a command of its own: see README.
 */
import { spawn } from "node:child_process"
import { existsSync, readFileSync, statSync } from "node:fs"
import { join } from "node:path"
import { CHAOS_ENCRYPTION_KEY } from "../../chaos/medusa-target"
import { CHAOS_MERCHANT } from "../../chaos/scenario"
import { secretsIn } from "./helpers/secrets-scan"

jest.setTimeout(240_000)

const ROOT = join(__dirname, "..", "..", "..")
const STORE_LOG = join(ROOT, "test-artifacts", "chaos", "medusa.log")
const SHOPIFY_LOGS = ["app-1", "app-2", "worker-1", "worker-2"].map((name) => join(ROOT, "test-artifacts", "chaos", `shopify-${name}.log`))
const LINE = /^chaos: (\d+) paid, (\d+) orders, (\d+) captures, (\d+) lost, (\d+) doubled, (\d+) unpaid captured, (\d+) over-refunded$/

const sizeOf = (file: string) => (existsSync(file) ? statSync(file).size : 0)

function lastLine(output: string): { last: string; counts: number[] } {
  const lines = output.trim().split("\n")
  const last = lines[lines.length - 1]
  return { last, counts: (LINE.exec(last) ?? []).slice(1).map(Number) }
}

function runChaos(args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env }
    delete env.NODE_OPTIONS
    const child = spawn("npm", ["run", "--silent", "test:chaos", "--", ...args], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] })
    let output = ""
    child.stdout.on("data", (d: Buffer) => (output += d.toString()))
    child.stderr.on("data", (d: Buffer) => (output += d.toString()))
    child.on("error", reject)
    child.on("exit", (code) => resolve({ code, output }))
  })
}

describe("npm run test:chaos (CI size)", () => {
  let logStartOfRun = 0

  it("5 checkouts, 5 at a time (one of each kind of shopper): nothing lost, doubled, captured unpaid or over-refunded; orders = captures = paid", async () => {
    logStartOfRun = existsSync(STORE_LOG) ? statSync(STORE_LOG).size : 0
    const { code, output } = await runChaos(["--checkouts", "5", "--concurrency", "5"])
    const lines = output.trim().split("\n")
    const last = lines[lines.length - 1]
    const match = LINE.exec(last)
    if (!match || code !== 0) console.info(output)
    expect(last).toMatch(LINE)
    const [paid, orders, captures, lost, doubled, unpaidCaptured, overRefunded] = (match ?? []).slice(1).map(Number)
    expect({ lost, doubled, unpaidCaptured, overRefunded }).toEqual({ lost: 0, doubled: 0, unpaidCaptured: 0, overRefunded: 0 })
    expect(paid).toBeGreaterThan(0)
    expect({ orders, captures }).toEqual({ orders: paid, captures: paid })
    expect(code).toBe(0)
  })

  it("nothing the store logged during the run holds a secret in plain text", () => {
    // The log is appended run after run; this test reads what the run above added.
    const written = readFileSync(STORE_LOG).subarray(logStartOfRun).toString("utf8")
    expect(written.length).toBeGreaterThan(0)
    expect(secretsIn(written, { "API key": CHAOS_MERCHANT.apiKey, "webhook secret": CHAOS_MERCHANT.webhookSecret, "encryption key": CHAOS_ENCRYPTION_KEY })).toEqual([])
  })
})

describe("npm run test:chaos --target shopify --instances 2 (CI size)", () => {
  const logStarts = new Map<string, number>()

  it("10 checkouts, 5 at a time, through two app processes and two workers: nothing lost, doubled, resolved unpaid or over-refunded; resolved = resolve mutations = paid; no 429 from the gateway's budget", async () => {
    for (const file of SHOPIFY_LOGS) logStarts.set(file, sizeOf(file))
    const { code, output } = await runChaos(["--target", "shopify", "--instances", "2", "--checkouts", "10", "--concurrency", "5"])
    const { last, counts } = lastLine(output)
    if (!LINE.test(last) || code !== 0) console.info(output)
    expect(last).toMatch(LINE)
    const [paid, orders, captures, lost, doubled, unpaidCaptured, overRefunded] = counts
    expect({ lost, doubled, unpaidCaptured, overRefunded }).toEqual({ lost: 0, doubled: 0, unpaidCaptured: 0, overRefunded: 0 })
    expect(paid).toBeGreaterThan(0)
    expect({ orders, captures }).toEqual({ orders: paid, captures: paid })
    expect(output).toMatch(/ 0 × 429 from the budget/)
    // The balancer spread Shopify's and the gateway's requests over both app processes.
    const spread = /balancer (\d+) \/ (\d+) requests per app process/.exec(output)
    expect(spread).not.toBeNull()
    expect(Math.min(Number(spread?.[1]), Number(spread?.[2]))).toBeGreaterThan(0)
    expect(code).toBe(0)
  })

  it("nothing the app processes and workers logged during the run holds a secret in plain text", () => {
    const written = SHOPIFY_LOGS.map((file) => readFileSync(file).subarray(logStarts.get(file) ?? 0).toString("utf8")).join("\n")
    expect(written).toMatch(/workers running/)
    expect(secretsIn(written, { "API key": CHAOS_MERCHANT.apiKey, "webhook secret": CHAOS_MERCHANT.webhookSecret })).toEqual([])
  })
})
