/**
 * Makes a race happen every time instead of once in a while: the next read of a cart's order
 * through Query (the `order_cart` link, fields exactly ["order_id"], as the plugin's completion
 * path reads it) is held until that order exists. Everything it returns comes from the real
 * database; only the moment of the read is chosen. The storefront's own read of the link
 * (other fields) passes untouched.
 */
import type { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { z } from "zod"

export interface HeldOrderRead {
  /** How many reads were held, and whether each found the order once released. */
  readonly held: boolean[]
  restore(): void
}

const orderOfCartRead = z.looseObject({
  entity: z.literal("order_cart"),
  fields: z.tuple([z.literal("order_id")]),
  filters: z.looseObject({ cart_id: z.string() }),
})

function readsOrderOfCart(config: unknown, cartId: string): boolean {
  const parsed = orderOfCartRead.safeParse(config)
  return parsed.success && parsed.data.filters.cart_id === cartId
}

export function holdNextOrderReadUntilOrdered(container: MedusaContainer, cartId: string, timeoutMs = 15_000): HeldOrderRead {
  const query = container.resolve(ContainerRegistrationKeys.QUERY)
  const original = query.graph
  const held: boolean[] = []
  let armed = true
  const orderExists = async () => {
    const { data } = await original({ entity: "order_cart", fields: ["order_id"], filters: { cart_id: cartId } })
    return Array.isArray(data) && data.length > 0
  }
  const graph = async (...args: Parameters<typeof original>) => {
    if (armed && readsOrderOfCart(args[0], cartId)) {
      armed = false
      const until = Date.now() + timeoutMs
      while (!(await orderExists()) && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 20))
      held.push(await orderExists())
    }
    return original(...args)
  }
  Reflect.set(query, "graph", graph)
  return { held, restore: () => Reflect.set(query, "graph", original) }
}
