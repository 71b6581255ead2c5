/**
 * The stand-in's memory: installed shops and their tokens, OAuth codes, the payment and refund
 * sessions it sent, every Payments Apps mutation it received, and the fault switches.
 */
export type SessionState = "pending" | "resolved" | "rejected"
export type MutationOutcome = "applied" | "repeat" | "conflict" | "not_received" | "error" | "not_found"

export interface MutationRecord {
  name: string
  at: string
  outcome: MutationOutcome
  reason?: string
}

export interface StandinShop {
  shop: string
  accessToken: string
  refreshToken: string | null
  accessExpiresAt: number | null
  scope: string
  configuration?: { externalHandle: string | null; ready: boolean }
}

export interface StandinPayment {
  id: string
  gid: string
  shop: string
  body: Record<string, unknown>
  statusCode: number | null
  redirectUrl: string | null
  /** When the app's 2xx answer arrived: mutations before it are refused ("not received"). */
  answeredAt: number | null
  state: SessionState
  reason?: string
  mutations: MutationRecord[]
}

export interface StandinRefund {
  id: string
  gid: string
  shop: string
  paymentId: string
  body: Record<string, unknown>
  statusCode: number | null
  answeredAt: number | null
  state: SessionState
  reason?: string
  mutations: MutationRecord[]
}

export interface Faults {
  graphql_error_rate: number
  graphql_not_received_rate: number
  graphql_latency_ms: number
}

export const NO_FAULTS: Faults = { graphql_error_rate: 0, graphql_not_received_rate: 0, graphql_latency_ms: 0 }

export function createStandinState() {
  return {
    shops: new Map<string, StandinShop>(),
    /** OAuth code → shop (one use each). */
    codes: new Map<string, string>(),
    payments: new Map<string, StandinPayment>(),
    refunds: new Map<string, StandinRefund>(),
    faults: { ...NO_FAULTS },
    /** Payments Apps calls received and not yet answered (tests wait on it). */
    graphqlInFlight: 0,
    shopByToken(token: string): StandinShop | undefined {
      for (const shop of this.shops.values()) if (shop.accessToken === token) return shop
      return undefined
    },
    reset(): void {
      this.payments.clear()
      this.refunds.clear()
      this.faults = { ...NO_FAULTS }
    },
  }
}

export type StandinState = ReturnType<typeof createStandinState>
