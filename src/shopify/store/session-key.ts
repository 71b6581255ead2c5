/**
 * The key both Shopify session tables (payment_sessions, refund_sessions) share: our row id,
 * the shop, and Shopify's own id and gid for the session, unique per (shop, shopify_id).
 */
export interface SessionKeyRow {
  id: string
  shop: string
  shopify_id: string
  gid: string
}

export interface SessionKey {
  id: string
  shop: string
  shopifyId: string
  gid: string
}

export function sessionKeyOf(row: SessionKeyRow): SessionKey {
  return { id: row.id, shop: row.shop, shopifyId: row.shopify_id, gid: row.gid }
}
