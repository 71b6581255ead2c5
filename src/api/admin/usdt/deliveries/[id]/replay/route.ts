/** POST /admin/usdt/deliveries/:id/replay: reruns a verified delivery through the completion path. */
import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { replayDelivery } from "../../../../../../completion/delivery-replay"
import { deliveryView } from "../../../delivery-view"

export async function POST(req: AuthenticatedMedusaRequest, res: MedusaResponse): Promise<void> {
  const replay = await replayDelivery(req.scope, req.params.id)
  res.json({ ...replay, delivery: deliveryView(replay.delivery) })
}
