/**
 * POST /hooks/usdt — the gateway's webhook for this store (the `notify_url` of every checkout
 * the USDT provider opens: `${backendUrl}/hooks/usdt`).
 *
 * The route only reads the request (the raw bytes kept by preserveRawBody, the headers) and
 * answers: receiveUsdtWebhook (src/completion/receive-webhook.ts) verifies the signature against
 * the raw bytes before anything else and writes a verified delivery to the delivery log as
 * `queued`; its ending picks the status (statuses.ts):
 *   200 `{ outcome: "queued", delivery_id }`  recorded: it will be processed (and never lost)
 *   401/422 `{ message, reason }`  a bad signature / a signed body that breaks the contract
 *   503                       not connected yet, or the delivery could not be recorded: the gateway retries
 * Only after the answer is sent does the delivery go through completeUsdtPayment, in the
 * background (src/completion/process-delivery.ts; the retry job src/jobs/usdt-webhook-retry.ts
 * takes what a dead process left behind), so the gateway waits for one database insert, not
 * for the order.
 */
import type { MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { receiveUsdtWebhook } from "../../../completion/receive-webhook"
import { WEBHOOK_STATUS } from "./statuses"

function rawBodyOf(req: MedusaRequest): Buffer | string | undefined {
  const raw: unknown = req.rawBody
  return Buffer.isBuffer(raw) || typeof raw === "string" ? raw : undefined
}

export async function POST(req: MedusaRequest, res: MedusaResponse): Promise<void> {
  const receivedAt = new Date()
  const receipt = await receiveUsdtWebhook(req.scope, { rawBody: rawBodyOf(req), parsedBody: req.body, headers: req.headers, receivedAt })
  res.status(WEBHOOK_STATUS[receipt.ending]).json(receipt.body)
  if (receipt.ending === "queued") receipt.afterAnswer()
}
