import { Badge, StatusBadge, Text } from "@medusajs/ui"
import type { OrderPaymentAnswer } from "../lib/api"

type GatewayPayment = OrderPaymentAnswer["payments"][number]

const REFUND_STATUS_LABELS: Record<string, string> = {
  completed: "refunded",
  pending: "sending",
  uncertain: "uncertain: no answer",
  not_made: "not made",
}

const FLAG_LABELS: Record<string, string> = {
  underpaid: "Underpaid",
  overpaid: "Overpaid",
  paid_after_cancel: "Paid after expiry or cancel",
  canceled: "Canceled",
}

function statusColor(status: string | null): "green" | "orange" | "red" | "grey" | "blue" {
  switch (status) {
    case "completed":
    case "captured":
      return "green"
    case "pending":
    case "requires_more":
    case "partially_refunded":
    case "uncertain":
      return "orange"
    case "refunded":
      return "blue"
    case "expired":
    case "canceled":
    case "error":
    case "not_made":
      return "red"
    default:
      return "grey"
  }
}

function Row({ label, value, testId }: { label: string; value: string; testId: string }) {
  return (
    <div className="text-ui-fg-subtle grid grid-cols-2 items-center px-6 py-2">
      <Text size="small" weight="plus">
        {label}
      </Text>
      <Text size="small" data-testid={testId}>
        {value}
      </Text>
    </div>
  )
}

/** One gateway payment of an order: record id, amounts, status, refunds and flags. */
export function OrderGatewayPayment({ payment }: { payment: GatewayPayment }) {
  const currency = payment.currency_code?.toUpperCase() ?? "USD"
  const money = (amount: string | null) => (amount === null ? "–" : `${amount} ${currency}`)
  return (
    <div className="divide-y" data-testid="usdt-order-payment-entry">
      <div className="flex flex-wrap items-center gap-2 px-6 py-3">
        <StatusBadge color={statusColor(payment.status)} data-testid="usdt-order-payment-status">
          {payment.status ?? "unknown"}
        </StatusBadge>
        {payment.flags.map((flag) => (
          <Badge key={flag.kind} color={flag.kind === "canceled" ? "grey" : "red"} size="2xsmall" data-testid={`usdt-order-payment-flag-${flag.kind}`}>
            {FLAG_LABELS[flag.kind] ?? flag.kind}
          </Badge>
        ))}
        {payment.needs_review ? (
          <Badge color="orange" size="2xsmall" data-testid="usdt-order-payment-needs-review">
            Needs review
          </Badge>
        ) : null}
      </div>
      <Row label="Payment record" value={payment.payment_record_id === null ? "not known yet" : String(payment.payment_record_id)} testId="usdt-order-payment-record-id" />
      <Row label="Amount asked" value={money(payment.amount_asked)} testId="usdt-order-payment-amount-asked" />
      <Row label="Amount paid" value={money(payment.amount_paid)} testId="usdt-order-payment-amount-paid" />
      {payment.excess_refundable !== null ? (
        <Row label="Excess not refunded" value={money(payment.excess_refundable)} testId="usdt-order-payment-excess" />
      ) : null}
      {payment.refunds.length > 0 ? (
        <div className="px-6 py-2" data-testid="usdt-order-payment-refunds">
          <Text size="small" weight="plus" className="text-ui-fg-subtle">
            Gateway refunds
          </Text>
          <ul className="txt-compact-small mt-1 flex flex-col gap-y-1">
            {payment.refunds.map((refund) => (
              <li key={refund.id} className="flex flex-wrap items-center gap-x-2" data-testid="usdt-order-payment-refund">
                <span>{money(refund.amount)}</span>
                {refund.refund_id ? <span className="text-ui-fg-subtle">#{refund.refund_id}</span> : null}
                {refund.kind === "excess" ? <Badge size="2xsmall">excess</Badge> : null}
                <StatusBadge color={statusColor(refund.status)} data-testid={`usdt-order-payment-refund-${refund.status}`}>
                  {REFUND_STATUS_LABELS[refund.status] ?? refund.status}
                </StatusBadge>
                {refund.kind === "refund" && refund.status === "completed" && !refund.in_medusa ? (
                  <Badge color="red" size="2xsmall">
                    not in the order yet
                  </Badge>
                ) : null}
                {refund.status === "uncertain" && refund.message ? <span className="text-ui-fg-subtle w-full">{refund.message}</span> : null}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </div>
  )
}

