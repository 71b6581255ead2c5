/**
 * The non-secret fields of a webhook body, read leniently: the body may be unverified, not
 * JSON, or off-contract, and is stored all the same. Values are kept as short strings.
 */
export interface DeliveryFields {
  event: string | null
  payment_record_id: string | null
  merchant_id: string | null
  note: string | null
  amount: string | null
  currency: string | null
}

const MAX_FIELD_LENGTH = 200

function text(value: unknown): string | null {
  if (typeof value === "string") return value.slice(0, MAX_FIELD_LENGTH)
  if (typeof value === "number" && Number.isFinite(value)) return String(value)
  return null
}

export function bodyText(rawBody: string | Uint8Array): string {
  return typeof rawBody === "string" ? rawBody : Buffer.from(rawBody).toString("utf8")
}

export function readDeliveryFields(body: string): DeliveryFields {
  let parsed: unknown
  try {
    parsed = JSON.parse(body)
  } catch {
    parsed = null
  }
  const record: Record<string, unknown> =
    parsed !== null && typeof parsed === "object" && !Array.isArray(parsed) ? { ...parsed } : {}
  return {
    event: text(record.event),
    payment_record_id: text(record.payment_record_id),
    merchant_id: text(record.merchant_id),
    note: text(record.note),
    // What was paid: total_amount when the gateway sends it, else amount.
    amount: text(record.total_amount) ?? text(record.amount),
    currency: text(record.currency),
  }
}
