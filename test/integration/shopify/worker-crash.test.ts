/**
 * The bullmq worker SIGKILLed between the gateway's confirmation (the session decided
 * "resolve" in the database) and the resolve mutation, then started again and followed by a
 * reconciliation run: the session is resolved at Shopify exactly once. Two moments: the
 * mutation had not taken effect when the worker died (Shopify answered the dying call 503),
 * and the mutation was in flight and landed after all (the restarted job's repeat is answered
 * the same result). The app serves HTTP in this process; the workers run in a child process
 * (`src/shopify/main.ts --workers-only`, as `npm run shopify:worker` does).
 */
import { type ChildProcess, spawn } from "node:child_process"
import { join } from "node:path"
import { reconcileShop } from "../../../src/shopify/reconcile/run"
import { applied, type Bench, control, installShop, pay, requestPayment, SHOP_A, standinPayment, startBench, waitFor } from "./harness"

// Each case crosses the app, the stand-in, the sandbox, PostgreSQL and Redis: 5 s is short on a busy 2-core machine.
jest.setTimeout(30_000)

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

/** One reconciliation run for the shop (as its scheduled job would run it), then the settle job done. */
async function reconcileAndSettle(shopifyId: string) {
  const outcome = await reconcileShop(bench.app.ctx, SHOP_A, 3600_000)
  expect(outcome).toMatchObject({ ran: true, summary: { failed: 0 } })
  return waitFor(async () => {
    const session = await bench.app.ctx.payments.byShopifyId(SHOP_A, shopifyId)
    return session?.status === "open" ? undefined : session
  }, 15_000, "the restarted worker to finish the job")
}

const resolves = (view: { mutations: { name: string; outcome: string }[] }) => applied(view.mutations.filter((m) => m.name === "paymentSessionResolve"))

it("a worker killed after the confirmation and before the resolve took effect, then restarted and reconciled, resolves the session once", async () => {
  const first = await startWorker()
  // The resolve call is held 1.5 s and then refused with a 503: it never takes effect.
  await control(bench, "POST", "/__standin/faults", { graphql_latency_ms: 1_500, graphql_error_rate: 1 })
  const answer = await requestPayment(bench, { amount: "43.00", id: "crash-before" })
  await pay(bench, answer.redirect_url ?? "")
  await waitFor(async () => (bench.standin.state.graphqlInFlight > 0 ? true : undefined), 10_000, "the resolve call to reach Shopify")
  // Confirmed with the gateway and decided: only the resolve mutation is left.
  expect(await bench.app.ctx.payments.byShopifyId(SHOP_A, "crash-before")).toMatchObject({ decision: "resolve", status: "open" })
  await killed(first)
  await waitFor(async () => (bench.standin.state.graphqlInFlight === 0 ? true : undefined), 5_000, "the dying call to be answered")
  const before = await standinPayment(bench, "crash-before")
  expect({ state: before.state, outcomes: before.mutations.map((m) => m.outcome) }).toEqual({ state: "pending", outcomes: ["error"] })
  await control(bench, "POST", "/__standin/faults", { graphql_latency_ms: 0, graphql_error_rate: 0 })

  await startWorker()
  const finished = await reconcileAndSettle("crash-before")
  expect(finished).toMatchObject({ status: "resolved" })
  const view = await standinPayment(bench, "crash-before")
  expect(view.state).toBe("resolved")
  expect(resolves(view)).toBe(1)
  for (const child of children) await killed(child)
}, 45_000)

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
  const finished = await reconcileAndSettle("crash-1")
  expect(finished).toMatchObject({ status: "resolved" })
  const view = await standinPayment(bench, "crash-1")
  expect(view.state).toBe("resolved")
  expect(view.mutations.map((m) => m.outcome)).toEqual(["applied", "repeat"])
  expect(resolves(view)).toBe(1)
}, 45_000)
