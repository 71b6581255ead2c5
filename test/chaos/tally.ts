/**
 * The chaos run's verdict: what the gateway says was paid against what the store made of it,
 * cart by cart, summed into the one line the issue names. Integration-neutral: any target
 * (the Medusa store, the Shopify app) reports the same facts per checkout.
 */

/** What the store holds for one checkout (a Medusa cart, a Shopify payment session). */
export interface StoreFacts {
  orders: number
  payments: number
  captures: number
  capturedCents: number
  /** Refunds the store recorded. */
  refundedCents: number
}

/** What the gateway holds for the same checkout. */
export interface GatewayFacts {
  /** Paid in full: a paid status and at least the amount asked. */
  paidInFull: boolean
  refundedCents: number
}

export interface CheckoutFacts {
  store: StoreFacts
  gateway: GatewayFacts | null
  /** Refunds the store answered as made (2xx), in cents. */
  refundsAnsweredCents: number
}

export interface ChaosTally {
  paid: number
  orders: number
  captures: number
  lost: number
  doubled: number
  unpaidCaptured: number
  overRefunded: number
}

export function emptyTally(): ChaosTally {
  return { paid: 0, orders: 0, captures: 0, lost: 0, doubled: 0, unpaidCaptured: 0, overRefunded: 0 }
}

/** Adds one checkout to the tally; returns which rules it broke (for the report). */
export function addCheckout(tally: ChaosTally, facts: CheckoutFacts): string[] {
  const { store, gateway } = facts
  const paid = gateway?.paidInFull === true
  const broken: string[] = []
  if (paid) tally.paid++
  tally.orders += store.orders
  tally.captures += store.captures
  if (paid && store.orders === 0) {
    tally.lost++
    broken.push("lost")
  }
  if (store.orders > 1 || store.captures > 1 || store.payments > 1) {
    tally.doubled++
    broken.push("doubled")
  }
  if (!paid && (store.captures > 0 || store.orders > 0)) {
    tally.unpaidCaptured++
    broken.push("unpaid captured")
  }
  const gatewayRefunded = gateway?.refundedCents ?? 0
  if (gatewayRefunded > store.capturedCents || gatewayRefunded !== store.refundedCents || gatewayRefunded !== facts.refundsAnsweredCents) {
    tally.overRefunded++
    broken.push(`refunds disagree (gateway ${gatewayRefunded}, store ${store.refundedCents}, answered ${facts.refundsAnsweredCents}, captured ${store.capturedCents} cents)`)
  }
  return broken
}

/** The last line of `npm run test:chaos`, exactly as the issue spells it. */
export function chaosLine(t: ChaosTally): string {
  return `chaos: ${t.paid} paid, ${t.orders} orders, ${t.captures} captures, ${t.lost} lost, ${t.doubled} doubled, ${t.unpaidCaptured} unpaid captured, ${t.overRefunded} over-refunded`
}

/** Passes only when nothing was lost, doubled, captured unpaid or over-refunded, and O = C = P. */
export function chaosPassed(t: ChaosTally): boolean {
  return t.lost === 0 && t.doubled === 0 && t.unpaidCaptured === 0 && t.overRefunded === 0 && t.orders === t.paid && t.captures === t.paid
}
