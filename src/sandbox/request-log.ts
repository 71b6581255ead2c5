/**
 * The log of API requests received, for tests that count calls ("this POST was sent once").
 * It holds no key and no body: method, path, the authenticated merchant, the answer's status
 * and the Idempotency-Key. The oldest entries go past `capacity`.
 */

export interface RequestLogEntry {
  at: string
  method: string
  path: string
  /** The authenticated merchant; null when authentication failed or was not reached. */
  merchant_id: number | null
  status: number
  idempotency_key: string | null
  /** Set on a 429 the merchant's request budget answered (not on an injected one). */
  over_budget?: true
}

export interface RequestLog {
  add(entry: RequestLogEntry): void
  entries(): RequestLogEntry[]
  reset(): void
}

export function createRequestLog(capacity = 10_000): RequestLog {
  let entries: RequestLogEntry[] = []
  return {
    add(entry) {
      entries.push(entry)
      if (entries.length > capacity) entries = entries.slice(entries.length - capacity)
    },
    entries: () => entries.map((entry) => ({ ...entry })),
    reset() {
      entries = []
    },
  }
}
