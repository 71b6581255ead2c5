import { defineWidgetConfig } from "@medusajs/admin-sdk"
import type { AdminOrder, DetailWidgetProps } from "@medusajs/framework/types"
import { Container, Heading, Text } from "@medusajs/ui"
import { useEffect, useState } from "react"
import { OrderGatewayPayment } from "../components/order-gateway-payment"
import { OrderRefundActions } from "../components/order-refund-actions"
import { type OrderPaymentAnswer, usdtAdminApi } from "../lib/api"

/** Order page: the USDT gateway payment(s) of the order. Shows nothing for orders paid otherwise. */
const UsdtOrderPaymentWidget = ({ data: order }: DetailWidgetProps<AdminOrder>) => {
  const [payments, setPayments] = useState<OrderPaymentAnswer["payments"] | null>(null)
  const [error, setError] = useState<string | null>(null)

  useEffect(() => {
    let current = true
    usdtAdminApi
      .orderPayment(order.id)
      .then((answer) => current && setPayments(answer.payments))
      .catch((failure: unknown) => current && setError(failure instanceof Error ? failure.message : "The USDT payment could not be loaded."))
    return () => {
      current = false
    }
  }, [order.id])

  if (!error && (!payments || payments.length === 0)) return null
  return (
    <Container className="divide-y p-0" data-testid="usdt-order-payment">
      <div className="px-6 py-4">
        <Heading level="h2">USDT payment</Heading>
      </div>
      {error ? (
        <Text size="small" className="text-ui-fg-error px-6 py-4">
          {error}
        </Text>
      ) : null}
      {payments?.map((payment) => <OrderGatewayPayment key={payment.payment_id ?? payment.payment_session_id ?? payment.payment_collection_id} payment={payment} />)}
      {payments && payments.length > 0 ? <OrderRefundActions orderId={order.id} payments={payments} onPayments={setPayments} /> : null}
    </Container>
  )
}

export const config = defineWidgetConfig({
  zone: "order.details.after",
})

export default UsdtOrderPaymentWidget
