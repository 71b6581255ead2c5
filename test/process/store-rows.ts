/**
 * What a store's database says about its USDT money, read with plain SQL (the store runs as
 * another process): per cart its order, payments and captures; store-wide counts of what the
 * attack and chaos suites compare.
 */
import type { Client } from "pg"

export interface CartRows {
  orderIds: string[]
  payments: number
  captures: number
  capturedCents: number
  refundedCents: number
}

export async function cartRows(db: Client, cartId: string): Promise<CartRows> {
  const orders = await db.query<{ order_id: string }>("select order_id from order_cart where cart_id = $1 and deleted_at is null", [cartId])
  const money = await db.query<{ payments: string; captures: string; captured: string | null; refunded: string | null }>(
    `select count(distinct p.id) as payments,
            (select count(*) from capture c join payment p2 on p2.id = c.payment_id
               join cart_payment_collection l2 on l2.payment_collection_id = p2.payment_collection_id
              where l2.cart_id = $1 and c.deleted_at is null and p2.deleted_at is null) as captures,
            (select sum(c.amount) from capture c join payment p2 on p2.id = c.payment_id
               join cart_payment_collection l2 on l2.payment_collection_id = p2.payment_collection_id
              where l2.cart_id = $1 and c.deleted_at is null and p2.deleted_at is null) as captured,
            (select sum(r.amount) from refund r join payment p2 on p2.id = r.payment_id
               join cart_payment_collection l2 on l2.payment_collection_id = p2.payment_collection_id
              where l2.cart_id = $1 and r.deleted_at is null and p2.deleted_at is null) as refunded
       from cart_payment_collection l
       left join payment p on p.payment_collection_id = l.payment_collection_id and p.deleted_at is null
      where l.cart_id = $1 and l.deleted_at is null`,
    [cartId]
  )
  const row = money.rows[0]
  return {
    orderIds: orders.rows.map((r) => r.order_id),
    payments: Number(row?.payments ?? 0),
    captures: Number(row?.captures ?? 0),
    capturedCents: Math.round(Number(row?.captured ?? 0) * 100),
    refundedCents: Math.round(Number(row?.refunded ?? 0) * 100),
  }
}
