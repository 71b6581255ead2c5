/**
 * The HTTP status the gateway gets for each way a delivery to /hooks/usdt ends (the endings are
 * decided in src/completion/receive-webhook.ts; 415 by require-json.ts before the route runs).
 * 2xx tells the gateway to stop (the delivery is durably recorded: it will be processed);
 * 5xx that it should deliver again later; 4xx that this delivery will never be accepted as sent.
 */
import type { WebhookEnding } from "../../../completion/receive-webhook"

export const WEBHOOK_STATUS = {
  queued: 200,
  not_connected: 503,
  not_recorded: 503,
  body_not_raw: 500,
  no_secret: 500,
  bad_signature: 401,
  bad_body: 422,
  unsupported_media_type: 415,
} as const satisfies Record<WebhookEnding | "unsupported_media_type", number>
