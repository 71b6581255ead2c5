import { defineMiddlewares } from "@medusajs/framework/http"
import { requireJsonBody } from "./hooks/usdt/require-json"

export default defineMiddlewares({
  routes: [
    {
      // The USDT webhook is verified against the exact bytes received.
      method: ["POST"],
      matcher: "/hooks/usdt",
      bodyParser: { preserveRawBody: true },
      middlewares: [requireJsonBody],
    },
  ],
})
