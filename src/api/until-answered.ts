import type { MedusaResponse } from "@medusajs/framework/http"

/** Resolves once the response is sent (or its connection closed): a lock held until then covers the whole route. */
export function untilAnswered(res: MedusaResponse): Promise<void> {
  return new Promise((resolve) => {
    res.once("finish", resolve)
    res.once("close", resolve)
  })
}
