/**
 * Idempotency-Key replay for checkout creation and refunds: the first successful answer under a key (per
 * merchant) is kept for 24 hours, and the same key within that time gets the very same status
 * and body back, whatever the new request's body. Refused requests (401, 422, 429, faults)
 * are not kept, so a corrected retry under the same key can still succeed.
 */
import type { Answer } from "./http"

export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60_000

export interface IdempotencyCache {
  replay(merchantId: number, key: string): Answer | undefined
  remember(merchantId: number, key: string, answer: Answer): void
  reset(): void
}

export function createIdempotencyCache(now: () => number): IdempotencyCache {
  const entries = new Map<string, { answer: Answer; storedAt: number }>()
  const id = (merchantId: number, key: string) => `${merchantId}\n${key}`

  function prune(t: number): void {
    for (const [entryKey, entry] of entries) {
      if (t - entry.storedAt >= IDEMPOTENCY_TTL_MS) entries.delete(entryKey)
    }
  }

  return {
    replay(merchantId, key) {
      prune(now())
      const entry = entries.get(id(merchantId, key))
      if (!entry) return undefined
      return { ...entry.answer, headers: { ...entry.answer.headers, "idempotency-replayed": "true" } }
    },
    remember(merchantId, key, answer) {
      if (answer.status < 200 || answer.status >= 300) return
      entries.set(id(merchantId, key), { answer, storedAt: now() })
    },
    reset() {
      entries.clear()
    },
  }
}
