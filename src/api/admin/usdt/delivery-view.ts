import { PAYMENT_COMPLETED } from "../../../gateway/contract"
import type { WebhookDeliveryRecord } from "../../../modules/usdt-gateway"

/** A delivery as the admin sees it: the body's non-secret fields, without the raw body. */
export function deliveryView(delivery: WebhookDeliveryRecord) {
  return {
    id: delivery.id,
    received_at: delivery.received_at,
    verified: delivery.verified,
    reason: delivery.reason,
    event: delivery.event,
    payment_record_id: delivery.payment_record_id,
    merchant_id: delivery.merchant_id,
    note: delivery.note,
    amount: delivery.amount,
    currency: delivery.currency,
    outcome: delivery.outcome,
    /** `queued`/`retry`: answered and recorded, to be processed (in process, else by the usdt-webhook-retry job). */
    pending: delivery.verified && (delivery.outcome === "queued" || delivery.outcome === "retry"),
    /** Processing attempts so far, and when it last settled. */
    attempts: delivery.attempts,
    processed_at: delivery.processed_at,
    replayed_at: delivery.replayed_at,
    replay_outcome: delivery.replay_outcome,
    /** Only a verified payment event can be run again. */
    replayable: delivery.verified && delivery.event === PAYMENT_COMPLETED,
  }
}

export type DeliveryView = ReturnType<typeof deliveryView>
