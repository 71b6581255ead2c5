/**
 * Around Medusa's `POST /admin/payments/:id/refund` for USDT payments: the whole request runs
 * under the order's refund lock (so concurrent refunds queue and each answer says what
 * happened), after the gateway was asked whether it has refunded more than the store knows.
 * Payments of other providers pass straight through.
 */
import type { MedusaNextFunction, MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { isUsdtProvider, usdtPaymentFacts, usdtRefundTools } from "../../../refunds/refund-context"
import { assertStoreKnowsGatewayRefunds } from "../../../refunds/refund-record"
import { refundLockingOf, refundLockKey, withRefundLock } from "../../../refunds/refund-lock"
import { handOverOnce, untilAnswered } from "../../until-answered"

export function usdtRefundLock(req: MedusaRequest, res: MedusaResponse, next: MedusaNextFunction): void {
  const { handOver } = handOverOnce(next)
  const run = async () => {
    const paymentId = req.params.id
    const found = paymentId ? await usdtPaymentFacts(req.scope, paymentId) : null
    if (!found || !isUsdtProvider(found.provider_id)) return handOver()
    // The order's key, and the payment's: a refund that came before the order existed holds only the latter.
    const keys = found.order_id ? [refundLockKey(found.order_id), refundLockKey(found.id)] : [refundLockKey(found.id)]
    await withRefundLock(refundLockingOf(req.scope), keys, async () => {
      // Read again under the lock: the refund before this one may have changed them.
      const facts = (await usdtPaymentFacts(req.scope, found.id)) ?? found
      await assertStoreKnowsGatewayRefunds(await usdtRefundTools(req.scope), facts)
      const answered = untilAnswered(res)
      handOver()
      await answered
    })
  }
  run().catch(handOver)
}
