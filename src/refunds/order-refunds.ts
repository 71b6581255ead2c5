/** The order-level refund actions' common frame: the order's refund lock, its USDT payments, the tools. */
import type { MedusaContainer } from "@medusajs/framework/types"
import { MedusaError } from "@medusajs/framework/utils"
import { orderUsdtPaymentFacts, type UsdtPaymentFacts, type UsdtRefundTools, usdtRefundTools } from "./refund-context"
import { refundLockingOf, refundLockKey, withRefundLock } from "./refund-lock"

export async function withOrderRefunds<T>(scope: MedusaContainer, orderId: string, job: (payments: UsdtPaymentFacts[], tools: UsdtRefundTools) => Promise<T>): Promise<T> {
  return withRefundLock(refundLockingOf(scope), refundLockKey(orderId), async () => {
    const payments = await orderUsdtPaymentFacts(scope, orderId)
    if (payments === null) throw new MedusaError(MedusaError.Types.NOT_FOUND, `Order ${orderId} was not found.`)
    return job(payments, await usdtRefundTools(scope))
  })
}
