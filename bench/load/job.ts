/** A load job and its result, as the load generator (bench/load/worker.ts) reads and prints them. */
import { z } from "zod"

export const loadJobSchema = z.object({
  /** Request i goes to origins[i % origins.length] (several instances of one app). */
  origins: z.array(z.string()).min(1),
  concurrency: z.number().int().positive(),
  /** The generator stops starting requests after this long. */
  timeLimitMs: z.number().int().positive(),
  requests: z.array(
    z.object({
      /** Overrides `origins` for this request (e.g. a raw call to the sandbox next to the store's). */
      origin: z.string().optional(),
      method: z.enum(["GET", "POST"]),
      path: z.string(),
      headers: z.record(z.string(), z.string()),
      body: z.string().optional(),
    })
  ),
})
export type LoadJob = z.infer<typeof loadJobSchema>

export const loadResultSchema = z.object({
  wallMs: z.number(),
  results: z.array(z.object({ index: z.number().int(), status: z.number().int(), startedAt: z.number(), ms: z.number(), body: z.string().optional() })),
})
export type LoadResult = z.infer<typeof loadResultSchema>
