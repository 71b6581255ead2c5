/**
 * The bullmq worker killed mid-job (SIGKILL while its paymentSessionResolve call is in flight)
 * and started again: the stalled job runs once more, Shopify answers the repeat with the same
 * result, and the session is resolved once. The app serves HTTP in this process; the workers run
 * in a child process (`src/shopify/main.ts --workers-only`, as `npm run shopify:worker` does).
 */
import { type ChildProcess, spawn } from "node:child_process"
import { join } from "node:path"
import { type Bench, control, installShop, pay, requestPayment, SHOP_A, standinPayment, startBench, waitFor } from "./harness"

const TS_NODE = require.resolve("ts-node/dist/bin.js")
const ROOT = join(__dirname, "../../..")

let bench: Bench
const children: ChildProcess[] = []

function startWorker(): Promise<ChildProcess> {
  const child = spawn(process.execPath, [TS_NODE, "--transpile-only", "src/shopify/main.ts", "--workers-only"], {
    cwd: ROOT,
    env: { ...process.env, ...bench.env, SHOPIFY_WORKERS: "on" },
    stdio: ["ignore", "pipe", "pipe"],
  })
  children.push(child)
  return new Promise((resolve, reject) => {
    let output = ""
    const onData = (chunk: Buffer) => {
      output += chunk.toString()
      if (output.includes("workers running")) resolve(child)
    }
    child.stdout?.on("data", onData)
    child.stderr?.on("data", onData)
    child.once("exit", (code) => reject(new Error(`worker exited with ${code}: ${output}`)))
  })
}

const alive = (child: ChildProcess) => child.exitCode === null && child.signalCode === null

function killed(child: ChildProcess): Promise<void> {
  if (!alive(child)) return Promise.resolve()
  return new Promise((resolve) => {
    child.once("exit", () => resolve())
    child.kill("SIGKILL")
  })
}

beforeAll(async () => {
  bench = await startBench({ name: "crash", workers: false })
  await installShop(bench, SHOP_A)
}, 30_000)

afterAll(async () => {
  for (const child of children) await killed(child)
  await bench?.stop()
}, 30_000)

it("a worker killed while resolving, then restarted, resolves the session once", async () => {
  const first = await startWorker()
  await control(bench, "POST", "/__standin/faults", { graphql_latency_ms: 1_500 })
  const answer = await requestPayment(bench, { amount: "42.00", id: "crash-1" })
  await pay(bench, answer.redirect_url ?? "")
  const queue = bench.app.ctx.queues.all.settlePayment
  await waitFor(async () => ((await queue.getActiveCount()) > 0 ? true : undefined), 10_000, "the settle job to be active")
  await waitFor(async () => (bench.standin.state.graphqlInFlight > 0 ? true : undefined), 10_000, "the resolve call to reach Shopify")
  await killed(first)
  // The call that was in flight lands at Shopify after all: the session is resolved there once.
  const landed = await waitFor(async () => {
    const view = await standinPayment(bench, "crash-1")
    return view.state === "pending" ? undefined : view
  }, 5_000, "the in-flight resolve to land")
  expect(landed.mutations.map((m) => m.outcome)).toEqual(["applied"])
  expect((await bench.app.ctx.payments.byShopifyId(SHOP_A, "crash-1"))?.status).toBe("open")
  await control(bench, "POST", "/__standin/faults", { graphql_latency_ms: 0 })

  await startWorker()
  const finished = await waitFor(async () => {
    const session = await bench.app.ctx.payments.byShopifyId(SHOP_A, "crash-1")
    return session?.status === "open" ? undefined : session
  }, 15_000, "the restarted worker to finish the job")
  expect(finished).toMatchObject({ status: "resolved" })
  const view = await standinPayment(bench, "crash-1")
  expect(view.state).toBe("resolved")
  expect(view.mutations.map((m) => m.outcome)).toEqual(["applied", "repeat"])
}, 45_000)
