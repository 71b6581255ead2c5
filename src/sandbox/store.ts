/**
 * The sandbox's memory: merchants and payment records. Records are immutable values replaced
 * whole after each transition. Ids only ever grow (a reset keeps the counters), so an id a
 * test kept from before a reset never names a new record.
 */
import { randomBytes } from "node:crypto"
import type { PaymentState } from "./payment-state"

export interface MerchantState {
  readonly id: number
  readonly apiKey: string
  readonly webhookSecret: string
  active: boolean
}

export interface SandboxStore {
  readonly merchants: ReadonlyMap<number, MerchantState>
  payment(id: number): PaymentState | undefined
  paymentByToken(token: string): PaymentState | undefined
  /** Every record, by id ascending; of one merchant when given. */
  payments(merchantId?: number): PaymentState[]
  save(payment: PaymentState): PaymentState
  nextPaymentId(): number
  nextRefundId(): number
  newToken(): string
  reset(): void
}

export function createStore(merchants: readonly MerchantState[]): SandboxStore {
  const merchantMap = new Map(merchants.map((merchant) => [merchant.id, merchant]))
  const records = new Map<number, PaymentState>()
  const tokens = new Map<string, number>()
  let lastPaymentId = 0
  let lastRefundId = 0

  return {
    merchants: merchantMap,
    payment: (id) => records.get(id),
    paymentByToken(token) {
      const id = tokens.get(token)
      return id === undefined ? undefined : records.get(id)
    },
    payments(merchantId) {
      // Map iteration follows insertion, and ids are inserted ascending.
      const all = [...records.values()]
      return merchantId === undefined ? all : all.filter((payment) => payment.merchantId === merchantId)
    },
    save(payment) {
      records.set(payment.id, payment)
      tokens.set(payment.token, payment.id)
      return payment
    },
    nextPaymentId: () => ++lastPaymentId,
    nextRefundId: () => ++lastRefundId,
    newToken: () => `cs_${randomBytes(24).toString("base64url")}`,
    reset() {
      records.clear()
      tokens.clear()
    },
  }
}
