import { defineMiddlewares } from "@medusajs/framework/http"
import { usdtSessionGuard } from "./store/usdt-session-guard"

export default defineMiddlewares({
  routes: [
    {
      // The USDT webhook is verified against the exact bytes received.
      method: ["POST"],
      matcher: "/hooks/usdt",
      bodyParser: { preserveRawBody: true },
    },
    {
      // The storefront's session data and the per-cart checkout cap, before Medusa replaces the session.
      method: ["POST"],
      matcher: "/store/payment-collections/:id/payment-sessions",
      middlewares: [usdtSessionGuard],
    },
  ],
})
