import { model } from "@medusajs/framework/utils"

/**
 * One webhook received at /hooks/usdt, verified or not. Holds the body's non-secret fields and
 * the raw body text (for replay); never the request headers, which carry the API key.
 */
export const WebhookDelivery = model
  .define("usdt_webhook_delivery", {
    id: model.id({ prefix: "usdtwh" }).primaryKey(),
    received_at: model.dateTime(),
    verified: model.boolean().default(false),
    /** Why the delivery was refused or not acted on (a short code), null when all was well. */
    reason: model.text().nullable(),
    event: model.text().nullable(),
    payment_record_id: model.text().nullable(),
    merchant_id: model.text().nullable(),
    note: model.text().nullable(),
    /** Amount paid as the body states it (decimal string, e.g. "10.50"). */
    amount: model.text().nullable(),
    currency: model.text().nullable(),
    /**
     * What became of it: `rejected`/`suppressed` (refused), `queued` (verified and answered,
     * not processed yet), `retry` (its processing failed in a way that may pass; the retry job
     * takes it again), `error`, or the completion's outcome (`completed`, `ignored_event`…).
     */
    outcome: model.text().nullable(),
    raw_body: model.text(),
    /** When an admin last replayed it, and what the replay did. */
    replayed_at: model.dateTime().nullable(),
    replay_outcome: model.text().nullable(),
    /** On a rate-limit summary row: how many rejected deliveries it stands for (they were not logged one by one). */
    suppressed: model.number().nullable(),
    /** How many times its processing ran (in the receiving process and in the retry job). */
    attempts: model.number().default(0),
    /** Set while one process holds it for processing (a lease; see the service's claimWebhookDelivery). */
    claimed_at: model.dateTime().nullable(),
    /** When its processing last ended with a settled outcome. */
    processed_at: model.dateTime().nullable(),
  })
  .indexes([{ on: ["received_at"] }, { on: ["note"] }, { on: ["outcome", "received_at"] }])

export default WebhookDelivery
