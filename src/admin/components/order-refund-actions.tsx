import { Button, Text } from "@medusajs/ui"
import { useState } from "react"
import { type OrderPaymentAnswer, usdtAdminApi } from "../lib/api"

type Payments = OrderPaymentAnswer["payments"]
type Running = "excess" | "settle" | "record" | null

/**
 * The order's USDT refund actions: return an overpayment's excess; ask the gateway about
 * refunds whose answer was lost and record the ones it made in the order; record a refund made
 * outside the store. None of them pays out twice: the last two send no money at all.
 */
export function OrderRefundActions({ orderId, payments, onPayments }: { orderId: string; payments: Payments; onPayments: (next: Payments) => void }) {
  const [running, setRunning] = useState<Running>(null)
  const [message, setMessage] = useState<{ text: string; error: boolean } | null>(null)
  const [outside, setOutside] = useState<string | null>(null)
  const excess = payments.find((payment) => payment.excess_refundable !== null)?.excess_refundable ?? null
  const hasRefunds = payments.some((payment) => payment.refunds.length > 0 || payment.status === "partially_refunded" || payment.status === "refunded")

  async function act(kind: Exclude<Running, null>, call: () => Promise<{ payments: Payments }>, done: (answer: { payments: Payments }) => string) {
    setRunning(kind)
    setMessage(null)
    try {
      const answer = await call()
      onPayments(answer.payments)
      setMessage({ text: done(answer), error: false })
    } catch (failure) {
      setMessage({ text: failure instanceof Error ? failure.message : "The request failed.", error: true })
    } finally {
      setRunning(null)
    }
  }

  const settle = (record: boolean) =>
    act(record ? "record" : "settle", () => usdtAdminApi.settleRefunds(orderId, record), (answer) => {
      const settled = answer as Awaited<ReturnType<typeof usdtAdminApi.settleRefunds>>
      setOutside(settled.refunded_outside_store)
      const recorded = settled.recorded === 0 ? "Nothing to record." : `${settled.recorded} refund(s) made at the gateway recorded in the order (no new payout).`
      return settled.refunded_outside_store ? `${recorded} The gateway also refunded ${settled.refunded_outside_store} USD outside the store.` : recorded
    })

  return (
    <div className="flex flex-col gap-y-2 px-6 py-3" data-testid="usdt-order-refund-actions">
      <div className="flex flex-wrap gap-2">
        {excess !== null ? (
          <Button
            variant="secondary"
            size="small"
            isLoading={running === "excess"}
            disabled={running !== null}
            onClick={() => void act("excess", () => usdtAdminApi.refundExcess(orderId), () => `The excess of ${excess} USD was refunded through the gateway.`)}
            data-testid="usdt-refund-excess"
          >
            Refund the excess ({excess} USD)
          </Button>
        ) : null}
        {hasRefunds ? (
          <Button variant="secondary" size="small" isLoading={running === "settle"} disabled={running !== null} onClick={() => void settle(false)} data-testid="usdt-settle-refunds">
            Check refunds with the gateway
          </Button>
        ) : null}
        {outside !== null ? (
          <Button variant="secondary" size="small" isLoading={running === "record"} disabled={running !== null} onClick={() => void settle(true)} data-testid="usdt-record-outside-refund">
            Record the gateway&apos;s refund ({outside} USD)
          </Button>
        ) : null}
      </div>
      {message ? (
        <Text size="small" className={message.error ? "text-ui-fg-error" : "text-ui-fg-subtle"} data-testid="usdt-order-refund-message">
          {message.text}
        </Text>
      ) : null}
    </div>
  )
}
