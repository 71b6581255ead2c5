/**
 * The engine's settle step inside Medusa: one Query for the page's sessions, then each
 * payment that names an uncaptured session of ours goes through completeUsdtPayment, the very
 * completion path of a verified webhook (per-cart lock, idempotent, one order and one capture
 * whoever comes first). Everything else is decided from the facts without side effects.
 */
import type { MedusaContainer } from "@medusajs/framework/types"
import type { Payment } from "../gateway"
import { completeUsdtPayment } from "../completion/complete-usdt-payment"
import { noticeFromGatewayPayment } from "../completion/payment-notice"
import type { UsdtDeliveryContext } from "../providers/usdt/delivery-context"
import { sessionFactsByNote } from "./medusa-sessions"
import type { PaymentVerdict, SettlePage } from "./types"
import { medusaOwner, verdictOfCompletion } from "./medusa-verdicts"
import { assessListedPayment } from "./verdicts"

export interface MedusaSettlerOptions {
  /**
   * The run's context, resolved once: its provider id (`pp_usdt_usdt`), the store's gateway
   * merchant (listed payments are this merchant's by construction), and the credentials and
   * client every completion of the run uses.
   */
  delivery: UsdtDeliveryContext
  /** Payments of a page settled at once (each cart has its own lock). */
  concurrency: number
  /** Called before each completion: the run renews its lock there. */
  beforeSettle?: () => Promise<void>
}

/** Runs `work` over `items` with at most `limit` at once; results keep the items' order. */
export async function mapWithConcurrency<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length)
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      const index = next++
      results[index] = await work(items[index])
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker))
  return results
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

export function medusaSettler(container: MedusaContainer, options: MedusaSettlerOptions): SettlePage {
  const { delivery } = options
  const owner = medusaOwner(delivery.providerId)
  return async function settlePage(payments: readonly Payment[]): Promise<PaymentVerdict[]> {
    const facts = await sessionFactsByNote(container, payments.map((payment) => payment.note))
    return mapWithConcurrency(payments, options.concurrency, async (payment): Promise<PaymentVerdict> => {
      const decision = assessListedPayment(payment, facts.get(payment.note?.trim() ?? "") ?? null, owner)
      if (decision.kind === "done") return decision.verdict
      await options.beforeSettle?.()
      try {
        const result = await completeUsdtPayment(container, {
          notice: noticeFromGatewayPayment(payment, delivery.credentials.merchantId),
          source: "reconcile",
          delivery,
        })
        return verdictOfCompletion(payment, decision.facts, result)
      } catch (error) {
        return { gateway_payment_id: payment.id, action: "failed", discrepancies: [], failure: messageOf(error) }
      }
    })
  }
}
