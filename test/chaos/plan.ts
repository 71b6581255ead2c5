/**
 * The chaos run's plan: the gateway's faults and, per shopper, what that shopper does. Seeded,
 * so a failing run can be repeated exactly (`--seed`).
 */

export type ShopperKind =
  /** Pays in full and polls `complete` until the order (or gives up). */
  | "prompt"
  /** Polls a little before paying, gives up, and pays later without polling again. */
  | "late"
  /** Pays less than asked, polls a little. */
  | "underpay"
  /** Pays in full, polls, then the admin refunds part of it twice at once. */
  | "refund_race"
  /** Opens a checkout and never pays. */
  | "abandon"

export interface ShopperPlan {
  index: number
  kind: ShopperKind
  /** Before paying (late shoppers: after giving up), in ms. */
  waitMs: number
}

/** The sandbox's fault switches for the run (the figures). */
export const CHAOS_FAULTS = {
  webhook_drop_rate: 0.3,
  webhook_duplicate_rate: 0.2,
  webhook_duplicate_copies: 3,
  webhook_reorder_rate: 0.1,
  api_error_rate: 0.05,
  api_429_rate: 0.02,
} as const

const WEIGHTS: Array<[ShopperKind, number]> = [
  ["prompt", 0.55],
  ["late", 0.15],
  ["underpay", 0.1],
  ["refund_race", 0.15],
  ["abandon", 0.05],
]

/** mulberry32: small, fast, good enough to spread shoppers over kinds. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** N shoppers; every kind appears at least once when N ≥ 5, so a small run still tries each. */
export function planShoppers(count: number, seed: number): ShopperPlan[] {
  const random = seededRandom(seed)
  return Array.from({ length: count }, (_, index) => {
    let kind: ShopperKind
    if (index < WEIGHTS.length && count >= WEIGHTS.length) {
      kind = WEIGHTS[index][0]
    } else {
      let roll = random()
      kind = WEIGHTS[WEIGHTS.length - 1][0]
      for (const [candidate, weight] of WEIGHTS) {
        if (roll < weight) {
          kind = candidate
          break
        }
        roll -= weight
      }
    }
    return { index, kind, waitMs: Math.floor(random() * (kind === "late" ? 4_000 : 500)) }
  })
}

export interface ChaosArgs {
  checkouts: number
  concurrency: number
  seed: number
  target: string
  /** App instances behind one load balancer (the Shopify target: app processes and workers each). */
  instances: number
  /** SIGKILL a worker while it settles a session, again and again during the run (Shopify target). */
  crash: boolean
}

/** Options that take no value. */
const FLAGS = ["crash"]

/**
 * `--checkouts N --concurrency C [--seed S] [--target medusa|shopify] [--instances I] [--crash]`
 * (also `--name=value`).
 */
export function parseChaosArgs(argv: readonly string[]): ChaosArgs | { error: string } {
  const values = new Map<string, string>()
  for (let i = 0; i < argv.length; i++) {
    const match = /^--([a-z]+)(?:=(.*))?$/.exec(argv[i])
    if (!match) return { error: `unexpected argument ${JSON.stringify(argv[i])}` }
    const value = match[2] ?? (FLAGS.includes(match[1]) ? "true" : argv[++i])
    if (value === undefined) return { error: `--${match[1]} needs a value` }
    values.set(match[1], value)
  }
  for (const name of values.keys()) {
    if (!["checkouts", "concurrency", "seed", "target", "instances", ...FLAGS].includes(name)) return { error: `unknown option --${name}` }
  }
  const whole = (name: string, fallback: number, min: number, max: number): number | string => {
    const text = values.get(name)
    if (text === undefined) return fallback
    const value = Number(text)
    return Number.isInteger(value) && value >= min && value <= max ? value : `--${name} must be a whole number from ${min} to ${max}`
  }
  const checkouts = whole("checkouts", 20, 1, 100_000)
  const concurrency = whole("concurrency", 5, 1, 500)
  const seed = whole("seed", 12, 0, 2 ** 31)
  const instances = whole("instances", 1, 1, 8)
  for (const value of [checkouts, concurrency, seed, instances]) if (typeof value === "string") return { error: value }
  const crash = values.get("crash") ?? "false"
  if (crash !== "true" && crash !== "false") return { error: "--crash takes no value (or true/false)" }
  return { checkouts: Number(checkouts), concurrency: Number(concurrency), seed: Number(seed), target: values.get("target") ?? "medusa", instances: Number(instances), crash: crash === "true" }
}
