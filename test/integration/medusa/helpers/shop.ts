/**
 * The one Medusa harness preamble the store-flow test files share inside
 * medusaIntegrationTestRunner: the store seeded once (with `seed`'s payment providers), an admin,
 * and before each test a fresh storefront and a reset sandbox. Call it first thing in
 * `testSuite`; read `.store`, `.shop` and `.admin` inside the tests.
 */
import type { MedusaContainer } from "@medusajs/framework/types"
import { seedStore, type SeedStoreOptions, type SeededStore } from "../../../../demo/seed-store"
import type { UsdtHarness } from "./harness"
import { deliveriesProcessed } from "./webhooks"
import { adminClient, type AdminClient, type HttpClient, type Storefront, storefront } from "./storefront"

export interface ShopSuite {
  readonly store: SeededStore
  readonly shop: Storefront
  readonly admin: AdminClient
}

export function useShop(harness: UsdtHarness, api: HttpClient, getContainer: () => MedusaContainer, seed?: SeedStoreOptions): ShopSuite {
  const state: { store?: SeededStore; shop?: Storefront; admin?: AdminClient } = {}
  beforeAll(async () => {
    state.store = await seedStore(getContainer(), seed)
    state.admin = await adminClient(getContainer(), api)
    harness.sandbox.afterDeliveries = () => deliveriesProcessed(getContainer())
  })
  beforeEach(async () => {
    if (state.store) state.shop = storefront(api, state.store)
    await harness.sandbox.reset()
  })
  const ready = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`${what} is not ready yet (use it inside a test)`)
    return value
  }
  return {
    get store() {
      return ready(state.store, "the seeded store")
    },
    get shop() {
      return ready(state.shop, "the storefront")
    },
    get admin() {
      return ready(state.admin, "the admin")
    },
  }
}
