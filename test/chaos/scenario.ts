/**
 * One chaos run: the sandbox gateway with the issue's faults, N shoppers C at a time against a
 * target store, then — once every webhook has settled and the store has processed what it acknowledged — one reconciliation run, and the tally
 * checkout by checkout. The gateway side (paying, faults, the truth about money) lives here;
 * everything store-specific is behind ChaosTarget.
 */
import { z } from "zod"
import { toCents } from "../../src/gateway"
import { startSandbox } from "../../src/sandbox"
import { type SandboxControl, type SandboxPayment, sandboxControl } from "../integration/medusa/helpers/sandbox"
import { CHAOS_FAULTS, type ChaosArgs, planShoppers, type ShopperPlan } from "./plan"
import type { ChaosCheckout, ChaosTarget, TargetSpec } from "./target"
import { addCheckout, type ChaosTally, emptyTally } from "./tally"

export const CHAOS_MERCHANT = { id: 4004, apiKey: "sk_test_chaos_4004_key", webhookSecret: "whsec_chaos_secret" }
const POLL_INTERVAL_MS = 1_000
const POLLS = 8
const UNDERPAY = "10.00"
const RACE_REFUNDS_CENTS = [100, 200]

interface ShopperResult {
  plan: ShopperPlan
  checkout?: ChaosCheckout
  refundsAnsweredCents: number
  /** Refunds the store refused (each is within what was paid: a refusal is a wrong answer, though no money moved). */
  refundsRefused: number
  /** Refund racers whose order was not there yet: refunded after reconciliation. */
  refundLater: boolean
  error?: string
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

async function openWithRetries(target: ChaosTarget): Promise<ChaosCheckout> {
  let last: unknown
  for (let attempt = 0; attempt < 4; attempt++) {
    try {
      return await target.openCheckout()
    } catch (error) {
      last = error
      await sleep(300 * (attempt + 1))
    }
  }
  throw last instanceof Error ? last : new Error(String(last))
}

async function pollUntilOrder(target: ChaosTarget, ref: string, polls: number): Promise<boolean> {
  for (let poll = 0; poll < polls; poll++) {
    if (await target.pollComplete(ref).catch(() => false)) return true
    await sleep(POLL_INTERVAL_MS)
  }
  return false
}

/** Two partial refunds of one payment at once; returns the cents the store answered as refunded. */
async function refundTwiceAtOnce(target: ChaosTarget, ref: string, result: ShopperResult): Promise<void> {
  const answers = await Promise.all(RACE_REFUNDS_CENTS.map((cents) => target.refund(ref, cents)))
  result.refundsAnsweredCents = answers.reduce((sum, answer, index) => sum + (answer.ok ? RACE_REFUNDS_CENTS[index] : 0), 0)
  result.refundsRefused = answers.filter((answer) => !answer.ok).length
}

async function shopper(target: ChaosTarget, sandbox: SandboxControl, plan: ShopperPlan): Promise<ShopperResult> {
  const result: ShopperResult = { plan, refundsAnsweredCents: 0, refundsRefused: 0, refundLater: false }
  try {
    result.checkout = await openWithRetries(target)
    const { ref, checkoutUrl } = result.checkout
    if (plan.kind === "abandon") return result
    if (plan.kind === "late") {
      await pollUntilOrder(target, ref, 2)
      await sleep(plan.waitMs)
      await sandbox.pay(checkoutUrl)
      return result
    }
    await sleep(plan.waitMs)
    const paid = await sandbox.pay(checkoutUrl, plan.kind === "underpay" ? UNDERPAY : undefined)
    if (paid.status !== 200) throw new Error(`sandbox pay → ${paid.status}`)
    const ordered = await pollUntilOrder(target, ref, plan.kind === "underpay" ? 2 : POLLS)
    if (plan.kind === "refund_race") {
      if (ordered) await refundTwiceAtOnce(target, ref, result)
      else result.refundLater = true
    }
  } catch (error) {
    result.error = error instanceof Error ? error.message : String(error)
  }
  return result
}

async function pool<T, R>(items: T[], concurrency: number, run: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length)
  let next = 0
  const workers = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) {
      const index = next++
      results[index] = await run(items[index])
    }
  })
  await Promise.all(workers)
  return results
}

async function settleDeliveries(sandbox: SandboxControl, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs
  while ((await sandbox.deliveries()).some((d) => d.status === "pending")) {
    if (Date.now() > until) throw new Error("webhook deliveries still pending")
    await sleep(250)
  }
}

function gatewayFacts(payment: SandboxPayment | undefined) {
  if (!payment) return null
  const paidStatus = ["completed", "partially_refunded", "refunded"].includes(payment.status)
  const asked = toCents(payment.amount)
  const paid = payment.total_amount === null ? (paidStatus ? asked : 0) : toCents(payment.total_amount)
  return { paidInFull: paidStatus && paid >= asked, refundedCents: payment.refunded_amount ? toCents(payment.refunded_amount) : 0 }
}

export interface ChaosReport {
  tally: ChaosTally
  lines: string[]
  /** 429s the gateway's request budget answered (0 unless the target paces itself on one). */
  overBudget: number
}

const requestLogSchema = z.array(z.looseObject({ status: z.number(), over_budget: z.boolean().optional() }))

/** The sandbox's request log: requests answered, and 429s its budget (not a fault) answered. */
async function budgetFigures(gatewayUrl: string): Promise<{ requests: number; overBudget: number; injected429: number }> {
  const answer = await fetch(`${gatewayUrl}/__sandbox/requests`)
  const entries = requestLogSchema.parse(await answer.json())
  const overBudget = entries.filter((entry) => entry.over_budget === true).length
  return { requests: entries.length, overBudget, injected429: entries.filter((entry) => entry.status === 429).length - overBudget }
}

export async function runChaos(args: ChaosArgs, spec: TargetSpec, logDir: string, say: (line: string) => void): Promise<ChaosReport> {
  const running = await startSandbox({
    port: 0,
    merchants: [CHAOS_MERCHANT],
    rateLimit: spec.gatewayBudget ?? false,
    webhookRetry: { maxAttempts: 5, baseDelayMs: 200, factor: 2, maxDelayMs: 1_500, timeoutMs: 30_000 },
    quiet: true,
  })
  const sandbox = sandboxControl(running)
  let target: ChaosTarget | undefined
  try {
    target = await spec.start({ gatewayUrl: running.url, merchant: CHAOS_MERCHANT, logDir, instances: args.instances, crash: args.crash })
    const store = target
    const from = new Date(Date.now() - 60_000)
    await sandbox.setFaults(CHAOS_FAULTS)
    say(`chaos: ${args.checkouts} checkouts, ${args.concurrency} at a time, against ${store.name}; faults ${JSON.stringify(CHAOS_FAULTS)}`)
    if (spec.gatewayBudget) say(`chaos: the gateway's budget: ${spec.gatewayBudget.limit} requests per ${spec.gatewayBudget.windowMs} ms per merchant (the store's pacer is given the same)`)
    const started = Date.now()
    const ticker = setInterval(() => say(`chaos: shoppers running… ${Math.round((Date.now() - started) / 1000)}s`), 15_000)
    const results = await pool(planShoppers(args.checkouts, args.seed), args.concurrency, (plan) => shopper(store, sandbox, plan)).finally(() => clearInterval(ticker))
    say(`chaos: shoppers done in ${((Date.now() - started) / 1000).toFixed(1)}s; waiting for webhook deliveries to settle`)
    await settleDeliveries(sandbox, 120_000)
    await store.processed?.(120_000)
    const deliveries = await sandbox.deliveries()
    say(`chaos: ${deliveries.length} deliveries: ${["delivered", "dropped", "failed"].map((s) => `${deliveries.filter((d) => d.status === s).length} ${s}`).join(", ")}`)
    say(`chaos: reconciliation: ${await store.reconcile(from, new Date())}`)
    for (const result of results.filter((r) => r.refundLater && r.checkout)) {
      const ref = result.checkout?.ref ?? ""
      await refundTwiceAtOnce(store, ref, result)
    }
    await sandbox.setFaults({})
    const payments = new Map((await sandbox.payments()).map((payment) => [payment.note, payment]))
    const tally = emptyTally()
    const lines: string[] = []
    for (const result of results) {
      if (result.error) lines.push(`chaos:   shopper ${result.plan.index} (${result.plan.kind}) stopped: ${result.error.slice(0, 200)}`)
      if (!result.checkout) continue
      const facts = { store: await store.facts(result.checkout.ref), gateway: gatewayFacts(payments.get(result.checkout.note)), refundsAnsweredCents: result.refundsAnsweredCents }
      const broken = addCheckout(tally, facts)
      if (broken.length > 0) lines.push(`chaos:   shopper ${result.plan.index} (${result.plan.kind}) ${result.checkout.ref}: ${broken.join("; ")}`)
    }
    const kinds = new Map<string, number>()
    for (const result of results) kinds.set(result.plan.kind, (kinds.get(result.plan.kind) ?? 0) + 1)
    lines.unshift(`chaos: shoppers ${[...kinds].map(([kind, count]) => `${count} ${kind}`).join(", ")}; ${((Date.now() - started) / 1000).toFixed(1)}s`)
    lines.push(`chaos: refunds: ${results.filter((r) => r.plan.kind === "refund_race").length * RACE_REFUNDS_CENTS.length} asked, ${results.reduce((sum, r) => sum + r.refundsRefused, 0)} refused by the store`)
    const budget = await budgetFigures(running.url)
    lines.push(`chaos: gateway API: ${budget.requests} requests, ${budget.injected429} injected 429s, ${budget.overBudget} × 429 from the budget${spec.gatewayBudget ? "" : " (no budget set)"}`)
    return { tally, lines, overBudget: budget.overBudget }
  } finally {
    await target?.stop()
    await running.stop()
  }
}
