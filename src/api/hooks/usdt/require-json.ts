/**
 * The gateway posts webhooks with `Content-Type: application/json` (its page, and
 * /work/shared/spec/gateway-contract.md). Anything else is answered 415 before the route runs:
 * a body sent as text or a form is not what the gateway sends, even when its bytes verify.
 */
import type { MedusaNextFunction, MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { WEBHOOK_STATUS } from "./statuses"

export function requireJsonBody(req: MedusaRequest, res: MedusaResponse, next: MedusaNextFunction): void {
  const header = req.headers["content-type"]
  const type = (typeof header === "string" ? header : "").split(";")[0].trim().toLowerCase()
  if (type === "application/json") {
    next()
    return
  }
  res.status(WEBHOOK_STATUS.unsupported_media_type).json({ message: "The USDT webhook takes Content-Type: application/json, as the gateway sends it.", reason: "unsupported_media_type" })
}
