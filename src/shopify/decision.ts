/**
 * The one rule of what a gateway payment record means for a Shopify payment session: a pure
 * function, exhaustive over the gateway's statuses, with a safe default for the rest.
 */
import { formatCents, type Payment } from "../gateway"

export type RejectReason = "underpaid" | "expired" | "currency" | "gateway_refused"

export type Verdict =
  | { kind: "resolve"; paidCents: number }
  | { kind: "reject"; reason: RejectReason; paidCents: number }
  /** Not decided yet (still pending at the gateway): ask again later. */
  | { kind: "wait" }
  /** Not this session's record: never act on it. */
  | { kind: "foreign"; why: string }

export function judgePayment(session: { reference: string; amountCents: number }, payment: Payment): Verdict {
  if (payment.note !== session.reference) return { kind: "foreign", why: "the record's note names another checkout" }
  if (payment.currency.toUpperCase() !== "USD") return { kind: "reject", reason: "currency", paidCents: 0 }
  // "Paid" is the core's one rule (isPaidStatus, shown on the record as `paid`).
  if (payment.paid) {
    const paid = payment.total_amount_cents
    return paid >= session.amountCents ? { kind: "resolve", paidCents: paid } : { kind: "reject", reason: "underpaid", paidCents: paid }
  }
  if (payment.status === "expired") return { kind: "reject", reason: "expired", paidCents: 0 }
  if (payment.status === "pending") return { kind: "wait" }
  // A status the gateway's page never named: kept and left for review, never acted on.
  return { kind: "foreign", why: `unknown status ${payment.status}` }
}

/** The merchant-facing words for a rejection (Shopify shows `merchantMessage` to the merchant). */
export function rejectionMessage(reason: string | null, amounts?: { askedCents: number; paidCents: number | null }): string {
  switch (reason) {
    case "underpaid":
      return amounts && amounts.paidCents !== null
        ? `USDT payment underpaid: ${formatCents(amounts.paidCents)} received of ${formatCents(amounts.askedCents)} USD.`
        : "USDT payment underpaid."
    case "expired":
      return "The USDT checkout expired before it was paid."
    case "currency":
      return "USDT checkout accepts USD only; this checkout's currency is not USD."
    case "gateway_refused":
      return "The USDT gateway refused to open a checkout for this amount."
    default:
      return "The USDT payment could not be completed."
  }
}
