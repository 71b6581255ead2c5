/**
 * Scale-out: two app instances (two processes, as two `npm run shopify` or a server and a
 * `shopify:worker`) on one Redis draw on ONE gateway budget per merchant. Each sends as many
 * calls at once as the whole budget allows; counted per process that is twice the budget and
 * the gateway answers 429s, shared through Redis the second half waits for the window and the
 * gateway answers none.
 */
import { type ChildProcess, spawn } from "node:child_process"
import { join } from "node:path"
import { z } from "zod"
import { type Bench, control, installShop, SHOP_A, startBench } from "./harness"

jest.setTimeout(60_000)

const TS_NODE = require.resolve("ts-node/dist/bin.js")
const ROOT = join(__dirname, "../../..")
const BUDGET = { limit: 5, windowMs: 3_000 }

let bench: Bench
const children: ChildProcess[] = []

beforeAll(async () => {
  bench = await startBench({
    name: "budget",
    workers: false,
    sandboxRateLimit: BUDGET,
    env: { SHOPIFY_GATEWAY_RATE_LIMIT: String(BUDGET.limit), SHOPIFY_GATEWAY_RATE_WINDOW_MS: String(BUDGET.windowMs) },
  })
  await installShop(bench, SHOP_A)
}, 30_000)

afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL")
  await bench?.stop()
}, 30_000)

/** An instance started and ready; `go()` fires its burst and resolves with how it ended. */
function instance(): Promise<{ go(): Promise<{ ok: number; failed: number }> }> {
  const child = spawn(process.execPath, [TS_NODE, "--transpile-only", "test/integration/shopify/fixtures/budget-burst.ts"], {
    cwd: ROOT,
    env: { ...process.env, ...bench.env, BURST: String(BUDGET.limit), BURST_SHOP: SHOP_A },
    stdio: ["pipe", "pipe", "pipe"],
  })
  children.push(child)
  let output = ""
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()))
  return new Promise((resolve, reject) => {
    let ready = false
    const onData = () => {
      if (!ready && output.includes("ready\n")) {
        ready = true
        resolve({
          async go() {
            child.stdin?.write("go\n")
            await exited
            const last = output.trim().split("\n").pop() ?? ""
            if (output.includes("Redis unreachable")) throw new Error(`the instance lost Redis: ${output}`)
            return z.object({ ok: z.number(), failed: z.number() }).parse(JSON.parse(last))
          },
        })
      }
    }
    child.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString()
      onData()
    })
    child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()))
    child.once("exit", (code) => reject(new Error(`the instance exited with ${code}: ${output}`)))
  })
}

const requestLog = z.array(z.looseObject({ path: z.string(), status: z.number(), over_budget: z.boolean().optional() }))

it("two instances each bursting the whole budget at once: every call answered, none refused by the gateway's budget", async () => {
  const [a, b] = await Promise.all([instance(), instance()])
  const started = Date.now()
  const [ranA, ranB] = await Promise.all([a.go(), b.go()])
  expect([ranA, ranB]).toEqual([{ ok: BUDGET.limit, failed: 0 }, { ok: BUDGET.limit, failed: 0 }])
  const balance = requestLog.parse(await control(bench, "GET", "/__sandbox/requests")).filter((entry) => entry.path.endsWith("/balance"))
  expect(balance.filter((entry) => entry.over_budget).length).toBe(0)
  expect(balance.map((entry) => entry.status)).toEqual(Array(2 * BUDGET.limit).fill(200))
  // Half of the calls waited for the next window instead of being refused.
  expect(Date.now() - started).toBeGreaterThanOrEqual(BUDGET.windowMs)
})
