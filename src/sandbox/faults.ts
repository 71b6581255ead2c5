/**
 * Fault switches, set through the control API, that make the sandbox misbehave the way a real
 * gateway and network may: lost, repeated, reordered and late webhooks; failing, throttling
 * and slow API answers. The set is replaced whole on each POST; an empty body clears it.
 */
import { z } from "zod"
import { createSwitchSet, type SwitchSet } from "./switches"

const rate = z.number({ error: "must be a number from 0 to 1" }).min(0, { error: "must be from 0 to 1" }).max(1, { error: "must be from 0 to 1" })
const millis = (max: number) =>
  z
    .number({ error: `must be a whole number of milliseconds from 0 to ${max}` })
    .int({ error: `must be a whole number of milliseconds from 0 to ${max}` })
    .min(0, { error: `must be from 0 to ${max} ms` })
    .max(max, { error: `must be from 0 to ${max} ms` })

export const faultsSchema = z.strictObject(
  {
    /** Share of webhook deliveries recorded as "dropped" and never sent. */
    webhook_drop_rate: rate.optional(),
    /** Share of webhook deliveries sent more than once (as separate deliveries). */
    webhook_duplicate_rate: rate.optional(),
    /** How many copies a duplicated delivery becomes: 2 to 5, default 2. */
    webhook_duplicate_copies: z
      .number({ error: "must be a whole number from 2 to 5" })
      .int({ error: "must be a whole number from 2 to 5" })
      .min(2, { error: "must be from 2 to 5" })
      .max(5, { error: "must be from 2 to 5" })
      .optional(),
    /** Share of webhook deliveries held back by a random extra delay, so they arrive out of order. */
    webhook_reorder_rate: rate.optional(),
    /** Wait before the first attempt of every delivery. */
    webhook_delay_ms: millis(3_600_000).optional(),
    /** Share of API calls answered 500/502/503 without being carried out. */
    api_error_rate: rate.optional(),
    /** Share of API calls answered 429 (retry_after_seconds 1) without being carried out. */
    api_429_rate: rate.optional(),
    /** Wait before answering every API call. */
    latency_ms: millis(120_000).optional(),
    /** When set, the API faults above (errors, 429s, latency) hit only calls of these methods. */
    api_fault_methods: z.array(z.enum(["GET", "POST"], { error: "must be GET or POST" })).optional(),
  },
  { error: (issue) => (issue.code === "unrecognized_keys" ? `unknown fault: ${issue.keys.join(", ")}` : "the faults must be a JSON object") }
)

export type Faults = z.infer<typeof faultsSchema>

/** The longest extra delay a reordered delivery gets. */
export const REORDER_MAX_DELAY_MS = 400

export const API_ERROR_STATUSES = [500, 502, 503] as const

export interface FaultSwitches extends SwitchSet<Faults> {
  /** True with probability `rate` (never when the rate is unset or 0). */
  roll(rate: number | undefined): boolean
  /** A whole number from 0 to max, inclusive. */
  between(max: number): number
  pick<T>(items: readonly T[]): T
}

export function createFaultSwitches(random: () => number = Math.random): FaultSwitches {
  return {
    ...createSwitchSet<Faults>(() => ({})),
    roll: (rate) => rate !== undefined && rate > 0 && random() < rate,
    between: (max) => Math.floor(random() * (max + 1)),
    pick: (items) => items[Math.min(items.length - 1, Math.floor(random() * items.length))],
  }
}
