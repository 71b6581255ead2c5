/**
 * The app's bullmq queues and the data each job carries. Every call to Shopify or the gateway
 * that must eventually succeed runs as one of these jobs; the job id dedupes (one job per
 * session), the retry policy is job options (see queues.ts).
 */
export const QUEUES = {
  /** Tell Shopify the payment session's outcome (paymentSessionResolve / paymentSessionReject). */
  settlePayment: "shopify-settle-payment",
  /** Refund at the gateway, then refundSessionResolve / refundSessionReject. */
  refund: "shopify-refund",
  /** After the checkout's expiry: ask the gateway about a session no webhook settled. */
  checkExpiry: "shopify-check-expiry",
} as const

export type QueueKey = keyof typeof QUEUES

export interface JobData {
  settlePayment: { paymentSessionId: string }
  refund: { refundSessionId: string }
  checkExpiry: { paymentSessionId: string }
}

/** One job per session and queue: a repeat of the same job is a no-op while the first exists. */
export function jobIdOf<K extends QueueKey>(key: K, data: JobData[K]): string {
  switch (key) {
    case "settlePayment":
    case "checkExpiry":
      return `${key}-${"paymentSessionId" in data ? data.paymentSessionId : ""}`
    default:
      return `${key}-${"refundSessionId" in data ? data.refundSessionId : ""}`
  }
}
