/**
 * Seeds a store that can sell with "Pay with USDT": a USD region (and optionally a EUR one)
 * offering the USDT provider, a sales channel with a publishable key, a stock location served
 * by the manual fulfillment provider, a shipping option, and one product with stock. A plain
 * function over the container and Medusa's workflows, so tests and demo scripts share it.
 *
 *   npx medusa exec ./demo/seed-store.ts      (in this repository; not shipped in the package)
 */
import type { ExecArgs, MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, Modules } from "@medusajs/framework/utils"
import {
  createApiKeysWorkflow,
  createInventoryLevelsWorkflow,
  createProductsWorkflow,
  createRegionsWorkflow,
  createSalesChannelsWorkflow,
  createShippingOptionsWorkflow,
  createShippingProfilesWorkflow,
  createStockLocationsWorkflow,
  linkSalesChannelsToApiKeyWorkflow,
  linkSalesChannelsToStockLocationWorkflow,
} from "@medusajs/medusa/core-flows"
import { USDT_PAYMENT_PROVIDER_ID } from "../src/providers/usdt/registration"

export interface SeedStoreOptions {
  /** Payment providers of the regions. Default: the USDT provider only. */
  paymentProviders?: string[]
  /** Also create a EUR region (for "USD only" checks). Default true. */
  withEurRegion?: boolean
  /** Product price in USD (major units). Default 10.50. */
  productPriceUsd?: number
  /** Flat shipping in USD. Default 5. */
  shippingPriceUsd?: number
  stock?: number
}

export interface SeededStore {
  regionId: string
  eurRegionId?: string
  salesChannelId: string
  publishableKey: string
  stockLocationId: string
  shippingOptionId: string
  productId: string
  variantId: string
}

export async function seedStore(container: MedusaContainer, options: SeedStoreOptions = {}): Promise<SeededStore> {
  const providers = options.paymentProviders ?? [USDT_PAYMENT_PROVIDER_ID]
  const withEur = options.withEurRegion ?? true
  const link = container.resolve(ContainerRegistrationKeys.LINK)
  const fulfillment = container.resolve(Modules.FULFILLMENT)
  const query = container.resolve(ContainerRegistrationKeys.QUERY)

  const { result: channels } = await createSalesChannelsWorkflow(container).run({
    input: { salesChannelsData: [{ name: "USDT web store" }] },
  })
  const salesChannelId = channels[0].id

  const { result: regions } = await createRegionsWorkflow(container).run({
    input: {
      regions: [
        { name: "United States", currency_code: "usd", countries: ["us"], payment_providers: providers },
        ...(withEur ? [{ name: "Europe", currency_code: "eur", countries: ["de"], payment_providers: providers }] : []),
      ],
    },
  })
  const region = regions.find((r) => r.currency_code === "usd")
  if (!region) throw new Error("seedStore: the USD region was not created")
  const eurRegionId = regions.find((r) => r.currency_code === "eur")?.id

  const { result: keys } = await createApiKeysWorkflow(container).run({
    input: { api_keys: [{ title: "USDT web store", type: "publishable", created_by: "seed-store" }] },
  })
  await linkSalesChannelsToApiKeyWorkflow(container).run({ input: { id: keys[0].id, add: [salesChannelId] } })

  const { result: locations } = await createStockLocationsWorkflow(container).run({
    input: { locations: [{ name: "Main warehouse", address: { address_1: "1 Main St", city: "New York", country_code: "us" } }] },
  })
  const stockLocationId = locations[0].id
  await linkSalesChannelsToStockLocationWorkflow(container).run({ input: { id: stockLocationId, add: [salesChannelId] } })
  await link.create({
    [Modules.STOCK_LOCATION]: { stock_location_id: stockLocationId },
    [Modules.FULFILLMENT]: { fulfillment_provider_id: "manual_manual" },
  })

  const { result: profiles } = await createShippingProfilesWorkflow(container).run({
    input: { data: [{ name: "Default shipping", type: "default" }] },
  })
  const shippingProfileId = profiles[0].id
  const fulfillmentSet = await fulfillment.createFulfillmentSets({
    name: "Main warehouse shipping",
    type: "shipping",
    service_zones: [
      {
        name: "US and Europe",
        geo_zones: [
          { country_code: "us", type: "country" },
          { country_code: "de", type: "country" },
        ],
      },
    ],
  })
  await link.create({
    [Modules.STOCK_LOCATION]: { stock_location_id: stockLocationId },
    [Modules.FULFILLMENT]: { fulfillment_set_id: fulfillmentSet.id },
  })

  const shippingUsd = options.shippingPriceUsd ?? 5
  const { result: shippingOptions } = await createShippingOptionsWorkflow(container).run({
    input: [
      {
        name: "Standard shipping",
        price_type: "flat",
        provider_id: "manual_manual",
        service_zone_id: fulfillmentSet.service_zones[0].id,
        shipping_profile_id: shippingProfileId,
        type: { label: "Standard", description: "Ships in 2-3 days", code: "standard" },
        prices: [
          { currency_code: "usd", amount: shippingUsd },
          { currency_code: "eur", amount: shippingUsd },
        ],
        rules: [
          { attribute: "enabled_in_store", value: "true", operator: "eq" },
          { attribute: "is_return", value: "false", operator: "eq" },
        ],
      },
    ],
  })

  const priceUsd = options.productPriceUsd ?? 10.5
  const { result: products } = await createProductsWorkflow(container).run({
    input: {
      products: [
        {
          title: "USDT T-shirt",
          handle: "usdt-t-shirt",
          status: "published",
          shipping_profile_id: shippingProfileId,
          options: [{ title: "Size", values: ["M"] }],
          variants: [
            {
              title: "M",
              sku: "USDT-TEE-M",
              options: { Size: "M" },
              manage_inventory: true,
              prices: [
                { currency_code: "usd", amount: priceUsd },
                { currency_code: "eur", amount: priceUsd },
              ],
            },
          ],
          sales_channels: [{ id: salesChannelId }],
        },
      ],
    },
  })
  const product = products[0]
  const variantId = product.variants[0].id

  const { data: items } = await query.graph({
    entity: "inventory_item",
    fields: ["id"],
    filters: { sku: "USDT-TEE-M" },
  })
  const inventoryItemId: unknown = items[0]?.id
  if (typeof inventoryItemId !== "string") throw new Error("seedStore: the variant has no inventory item")
  await createInventoryLevelsWorkflow(container).run({
    input: {
      inventory_levels: [{ location_id: stockLocationId, inventory_item_id: inventoryItemId, stocked_quantity: options.stock ?? 1000 }],
    },
  })

  return {
    regionId: region.id,
    eurRegionId,
    salesChannelId,
    publishableKey: keys[0].token,
    stockLocationId,
    shippingOptionId: shippingOptions[0].id,
    productId: product.id,
    variantId,
  }
}

/** `medusa exec` entry point: seeds and prints the ids a storefront needs. */
export default async function seedStoreScript({ container }: ExecArgs): Promise<void> {
  const logger = container.resolve(ContainerRegistrationKeys.LOGGER)
  const seeded = await seedStore(container)
  logger.info(`Seeded USDT store: ${JSON.stringify(seeded)}`)
}
