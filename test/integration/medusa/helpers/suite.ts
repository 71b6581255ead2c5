/**
 * The frame most refund and payment suites share: a seeded store with the USDT provider, an
 * admin, and per test a fresh storefront and a reset sandbox. Call inside the testSuite.
 */
import type { MedusaContainer } from "@medusajs/framework/types"
import { seedStore, type SeededStore } from "../../../../demo/seed-store"
import type { UsdtHarness } from "./harness"
import { adminClient, type AdminClient, type HttpClient, type Storefront, storefront } from "./storefront"

export interface ShopSuite {
  readonly store: SeededStore
  readonly shop: Storefront
  readonly admin: AdminClient
}

export function useShopSuite(api: HttpClient, getContainer: () => MedusaContainer, harness: UsdtHarness): ShopSuite {
  const state: { store?: SeededStore; shop?: Storefront; admin?: AdminClient } = {}
  beforeAll(async () => {
    state.store = await seedStore(getContainer(), { paymentProviders: ["pp_usdt_usdt", "pp_system_default"] })
    state.admin = await adminClient(getContainer(), api)
  })
  beforeEach(async () => {
    if (state.store) state.shop = storefront(api, state.store)
    await harness.sandbox.reset()
  })
  const need = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`the suite's ${what} is not ready yet`)
    return value
  }
  return {
    get store() {
      return need(state.store, "store")
    },
    get shop() {
      return need(state.shop, "storefront")
    },
    get admin() {
      return need(state.admin, "admin")
    },
  }
}
