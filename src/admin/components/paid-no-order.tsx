import { Heading, StatusBadge, Text, toast } from "@medusajs/ui"
import { useCallback, useEffect, useState } from "react"
import { type PaidNoOrderAnswer, usdtAdminApi } from "../lib/api"
import { type ListColumn, ListTable } from "./list-table"

type Payment = PaidNoOrderAnswer["payments"][number]

const STATE: Record<string, { color: "orange" | "blue" | "green" | "grey"; label: string }> = {
  paid_no_order: { color: "orange", label: "Paid, no order" },
  refunding: { color: "blue", label: "Refund under way" },
  refunded: { color: "green", label: "Refunded" },
}

const COLUMNS: ListColumn<Payment>[] = [
  { header: "Gateway payment", cell: (payment) => payment.gateway_payment_id ?? "–" },
  { header: "Paid", cell: (payment) => (payment.paid ? `${payment.paid} USD` : "–") },
  { header: "Cart / order", cell: (payment) => [payment.cart_id, payment.order_id].filter(Boolean).join(" / ") || "–" },
  { header: "Why", cell: (payment) => payment.detail ?? "", className: "max-w-md whitespace-normal" },
  {
    header: "State",
    cell: (payment) => {
      const state = STATE[payment.state] ?? { color: "grey" as const, label: payment.state }
      return <StatusBadge color={state.color}>{state.label}</StatusBadge>
    },
  },
]

/** Payments of checkouts that made no order, with a one-click refund through the gateway. */
export function PaidNoOrder() {
  const [payments, setPayments] = useState<Payment[]>([])
  const [error, setError] = useState<string | null>(null)
  const [refunding, setRefunding] = useState<string | null>(null)

  const load = useCallback(async () => {
    try {
      setPayments((await usdtAdminApi.listPaidNoOrder()).payments)
      setError(null)
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : "The payments could not be loaded.")
    }
  }, [])

  useEffect(() => {
    void load()
  }, [load])

  async function refund(payment: Payment) {
    if (!window.confirm(`Refund ${payment.paid ?? "?"} USD of gateway payment ${payment.gateway_payment_id ?? "?"} to the customer?`)) return
    setRefunding(payment.id)
    try {
      const { payment: refunded } = await usdtAdminApi.refundPaidNoOrder(payment.id)
      toast.success(`Refunded ${refunded.paid ?? ""} USD (refund ${refunded.refund_id ?? "?"})`)
    } catch (failure) {
      toast.error(failure instanceof Error ? failure.message : "The refund failed.")
    } finally {
      setRefunding(null)
      await load()
    }
  }

  return (
    <div className="flex flex-col gap-y-2 py-4" data-testid="usdt-paid-no-order">
      <div className="px-6">
        <Heading level="h2">Paid, no order</Heading>
        <Text size="small" className="text-ui-fg-subtle">
          Payments of checkouts that could make no order (the cart was ordered with another payment, or the amount was short of its total).
        </Text>
      </div>
      {error ? <Text size="small" className="text-ui-fg-error px-6">{error}</Text> : null}
      {payments.length === 0 ? (
        <Text size="small" className="text-ui-fg-subtle px-6">None.</Text>
      ) : (
        <ListTable
          items={payments}
          columns={COLUMNS}
          rowTestId="usdt-paid-no-order-row"
          action={{ label: "Refund", testId: "usdt-paid-no-order-refund", shows: (payment) => payment.state === "paid_no_order", busyId: refunding, run: (payment) => void refund(payment) }}
        />
      )}
    </div>
  )
}
