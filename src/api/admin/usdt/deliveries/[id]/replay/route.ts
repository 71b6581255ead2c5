/** POST /admin/usdt/deliveries/:id/replay: reruns a verified delivery through the completion path. */
import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { replayDelivery } from "../../../delivery-replay"

export async function POST(req: AuthenticatedMedusaRequest, res: MedusaResponse): Promise<void> {
  res.json(await replayDelivery(req.scope, req.params.id))
}
