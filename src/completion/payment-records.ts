/**
 * The Medusa records the completion function reads, through Query, each parsed into a typed
 * shape: a payment session by id, the cart of a payment collection, the order of a cart.
 */
import type { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { z } from "zod"

const sessionRecord = z.looseObject({
  id: z.string(),
  provider_id: z.string(),
  status: z.string(),
  authorized_at: z.union([z.string(), z.date()]).nullish(),
  payment_collection_id: z.string(),
  data: z.record(z.string(), z.unknown()).nullish(),
  payment: z.looseObject({ id: z.string(), captured_at: z.union([z.string(), z.date()]).nullish() }).nullish(),
})
export type SessionRecord = z.infer<typeof sessionRecord>

const cartLink = z.looseObject({ cart_id: z.string() })
const orderLink = z.looseObject({ order_id: z.string() })

async function graphFirst<T extends z.ZodType>(
  container: MedusaContainer,
  entity: string,
  fields: string[],
  filters: Record<string, string>,
  schema: T
): Promise<z.output<T> | null> {
  const query = container.resolve(ContainerRegistrationKeys.QUERY)
  const { data } = await query.graph({ entity, fields, filters })
  const rows: unknown[] = Array.isArray(data) ? data : []
  if (rows.length === 0) return null
  return schema.parse(rows[0])
}

export function findPaymentSession(container: MedusaContainer, id: string): Promise<SessionRecord | null> {
  return graphFirst(
    container,
    "payment_session",
    ["id", "provider_id", "status", "authorized_at", "payment_collection_id", "data", "payment.id", "payment.captured_at"],
    { id },
    sessionRecord
  )
}

export async function findCartOfCollection(container: MedusaContainer, paymentCollectionId: string): Promise<string | null> {
  const link = await graphFirst(container, "cart_payment_collection", ["cart_id"], { payment_collection_id: paymentCollectionId }, cartLink)
  return link?.cart_id ?? null
}

export async function findOrderOfCart(container: MedusaContainer, cartId: string): Promise<string | null> {
  const link = await graphFirst(container, "order_cart", ["order_id"], { cart_id: cartId }, orderLink)
  return link?.order_id ?? null
}

export async function findOrderOfCollection(container: MedusaContainer, paymentCollectionId: string): Promise<string | null> {
  const link = await graphFirst(container, "order_payment_collection", ["order_id"], { payment_collection_id: paymentCollectionId }, orderLink)
  return link?.order_id ?? null
}
