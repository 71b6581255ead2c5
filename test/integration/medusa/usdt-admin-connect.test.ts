/**
 * A store owner connects the gateway from the admin, not from env files: the store starts with
 * no credentials in its provider options, checkout says clearly that USDT is not connected (and
 * opens nothing at the gateway), and once the admin saves the credentials a shopper pays and the
 * webhook makes the order, with no restart.
 */
import { medusaIntegrationTestRunner } from "@medusajs/test-utils"
import { seedStore, type SeededStore } from "../../../demo/seed-store"
import { useUsdtHarness } from "./helpers/harness"
import { cartPaymentState } from "./helpers/records"
import { STORE_MERCHANT } from "./helpers/sandbox"
import { storefront } from "./helpers/storefront"
import { type ApiClient, useAdmin } from "./usdt-settings.helpers"
import { useProcessedDeliveries } from "./helpers/webhooks"

jest.setTimeout(120_000)

const harness = useUsdtHarness({ credentialsInOptions: false })

medusaIntegrationTestRunner({
  testSuite: ({ api, getContainer }) => {
    useProcessedDeliveries(harness, getContainer)
    const client: ApiClient = api
    const admin = useAdmin(() => client, getContainer, () => harness.sandbox.url)
    let store: SeededStore

    beforeAll(async () => {
      store = await seedStore(getContainer())
    })

    it("starts unconnected, refuses checkout with a clear message, then works once the admin saves credentials", async () => {
      const before = await client.get("/admin/usdt/settings", { headers: admin.headers() })
      expect(before.data.source).toBe("none")
      const notConnected = await client.post("/admin/usdt/settings/test-connection", {}, { headers: admin.headers(), validateStatus: () => true })
      expect(notConnected.data).toMatchObject({ ok: false })

      const shop = storefront(api, store)
      const cartId = await shop.cartReadyForPayment()
      const collectionId = await shop.paymentCollection(cartId)
      const refused = await shop.initiateSession(collectionId)
      expect(refused.status).toBeGreaterThanOrEqual(400)
      expect(JSON.stringify(refused.data)).toMatch(/not connected yet.*Admin → Settings → USDT Gateway/)
      expect(await harness.sandbox.payments()).toEqual([])

      await admin.saveGood({ webhook_secret: STORE_MERCHANT.webhookSecret })
      const after = await client.get("/admin/usdt/settings", { headers: admin.headers() })
      expect(after.data.source).toBe("admin")

      const checkout = await shop.usdtCheckout()
      await harness.sandbox.pay(checkout.checkoutUrl)
      const record = await harness.sandbox.paymentByNote(checkout.session.id)
      if (!record) throw new Error("no sandbox record")
      const deliveries = await harness.sandbox.settledDeliveries(record.id)
      expect(deliveries.map((d) => d.status)).toContain("delivered")
      const state = await cartPaymentState(getContainer(), checkout.cartId)
      expect(state.orderIds).toHaveLength(1)
      expect(state.payments).toHaveLength(1)
      expect(state.payments[0].captures).toHaveLength(1)
    })
  },
})
