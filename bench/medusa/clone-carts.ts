/**
 * Many paid USDT carts fast, for the benchmarks' setup (not measured): ONE cart is made
 * through the store API (cart, shipping method, payment collection, USDT session: every row
 * Medusa and the provider write), then copied in SQL with new ids, each copy buying the next
 * variant of the catalogue; each copy's checkout is opened and paid at the sandbox with its own
 * session id as the note, as the provider would (POST /checkout-session, then the control
 * API's pay), and the session data and checkout record name that checkout. The copies are the
 * rows the store API would have written for the same shopper; making 1,000 of them through the
 * API takes ~1 s of Medusa CPU each on a loaded machine, this takes seconds.
 */
import { randomBytes } from "node:crypto"
import { Client } from "pg"
import { z } from "zod"
import { mapWithConcurrency } from "../../src/reconcile/medusa-settle"
import { serverUrl } from "./database"
import { payAtSandbox, shopper } from "./shopper"
import { type BenchStore, rawCheckoutRequest } from "./store"

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
function newId(prefix: string): string {
  return `${prefix}_${Array.from(randomBytes(26), (b) => CROCKFORD[b % 32]).join("")}`
}

/** Columns of a table, so that a copy names them all. */
async function columnsOf(client: Client, table: string): Promise<string[]> {
  const result = await client.query("select column_name from information_schema.columns where table_schema = 'public' and table_name = $1 order by ordinal_position", [table])
  if (result.rowCount === 0) throw new Error(`clone-carts: no table ${table}`)
  return result.rows.map((row) => String(row.column_name))
}

/** Copies the model's rows of `table` (WHERE t.<key> = $1) once per row of clone_map, with `set` overriding columns. */
async function copyRows(client: Client, table: string, key: string, model: string, set: Record<string, string>, join = ""): Promise<number> {
  const columns = await columnsOf(client, table)
  const values = columns.map((column) => set[column] ?? (column === "created_at" || column === "updated_at" ? "now()" : `t.${column}`))
  const sql = `insert into ${table} (${columns.join(", ")}) select ${values.join(", ")} from ${table} t cross join clone_map m ${join} where t.${key} = $1`
  return (await client.query(sql, [model])).rowCount ?? 0
}

const checkoutAnswer = z.looseObject({ checkout_url: z.string(), expires_at: z.union([z.string(), z.number()]) })

/** Opens the session's checkout at the sandbox (note = the session id) and pays it. */
async function openAndPay(store: BenchStore, sessionId: string): Promise<{ checkoutUrl: string; expiresAt: string; openedAt: string }> {
  const openedAt = new Date().toISOString()
  const request = rawCheckoutRequest(store, sessionId)
  const answer = await fetch(`${request.origin}${request.path}`, { method: request.method, headers: request.headers, body: request.body })
  const text = await answer.text()
  if (answer.status >= 300) throw new Error(`sandbox checkout-session → ${answer.status}: ${text.slice(0, 200)}`)
  const checkout = checkoutAnswer.parse(JSON.parse(text))
  await payAtSandbox(store.sandbox.url, checkout.checkout_url)
  return { checkoutUrl: checkout.checkout_url, expiresAt: new Date(checkout.expires_at).toISOString(), openedAt }
}

/** `count` carts with paid USDT sessions (no webhook delivered: the sandbox's deliveries should be dropped). */
export async function clonePaidCarts(store: BenchStore, count: number): Promise<{ cartId: string; sessionId: string }[]> {
  const [model] = await shopper(store.url, store.seed).prepare(1)
  const ids = Array.from({ length: count }, (_, n) => ({
    n,
    cart: newId("cart"),
    address: newId("caaddr"),
    item: newId("cali"),
    shipping: newId("casm"),
    collection: newId("pay_col"),
    session: newId("payses"),
    link: newId("cartpc"),
    record: newId("usdtco"),
    variant: store.seed.variantIds[n % store.seed.variantIds.length],
  }))
  const checkouts = await mapWithConcurrency(ids, 16, (id) => openAndPay(store, id.session))
  const client = new Client({ connectionString: serverUrl(store.database) })
  await client.connect()
  try {
    const modelRows = await client.query(
      `select c.shipping_address_id, cpc.payment_collection_id, ps.id as session_id, ps.data
         from cart c join cart_payment_collection cpc on cpc.cart_id = c.id and cpc.deleted_at is null
         join payment_session ps on ps.payment_collection_id = cpc.payment_collection_id and ps.deleted_at is null
        where c.id = $1`,
      [model.cartId]
    )
    if (modelRows.rowCount !== 1) throw new Error(`clone-carts: the model cart has ${modelRows.rowCount} sessions`)
    const m = modelRows.rows[0] as { shipping_address_id: string; payment_collection_id: string; session_id: string; data: Record<string, unknown> }
    await client.query("begin")
    await client.query(
      `create temp table clone_map (n int, cart_id text, addr_id text, item_id text, sm_id text, pc_id text, ps_id text, cpc_id text, rec_id text,
         variant_id text, ps_data jsonb, checkout_url text, expires_at timestamptz, opened_at timestamptz) on commit drop`
    )
    await client.query(
      `insert into clone_map select * from unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[],
         $10::text[], $11::jsonb[], $12::text[], $13::timestamptz[], $14::timestamptz[])`,
      [
        ids.map((id) => id.n),
        ids.map((id) => id.cart),
        ids.map((id) => id.address),
        ids.map((id) => id.item),
        ids.map((id) => id.shipping),
        ids.map((id) => id.collection),
        ids.map((id) => id.session),
        ids.map((id) => id.link),
        ids.map((id) => id.record),
        ids.map((id) => id.variant),
        ids.map((id, i) => JSON.stringify({ ...m.data, session_id: id.session, checkout_note: id.session, checkout_url: checkouts[i].checkoutUrl, expires_at: checkouts[i].expiresAt, opened_at: checkouts[i].openedAt })),
        checkouts.map((c) => c.checkoutUrl),
        checkouts.map((c) => c.expiresAt),
        checkouts.map((c) => c.openedAt),
      ]
    )
    const copied = [
      await copyRows(client, "cart_address", "id", m.shipping_address_id, { id: "m.addr_id" }),
      await copyRows(client, "cart", "id", model.cartId, { id: "m.cart_id", shipping_address_id: "m.addr_id" }),
      await copyRows(client, "cart_line_item", "cart_id", model.cartId, {
        id: "m.item_id",
        cart_id: "m.cart_id",
        variant_id: "m.variant_id",
        variant_sku: "pv.sku",
        variant_title: "pv.title",
        variant_option_values: "jsonb_build_object('Item', pv.title)",
      }, "join product_variant pv on pv.id = m.variant_id"),
      await copyRows(client, "cart_shipping_method", "cart_id", model.cartId, { id: "m.sm_id", cart_id: "m.cart_id" }),
      await copyRows(client, "payment_collection", "id", m.payment_collection_id, { id: "m.pc_id" }),
      await copyRows(client, "payment_collection_payment_providers", "payment_collection_id", m.payment_collection_id, { payment_collection_id: "m.pc_id" }),
      await copyRows(client, "cart_payment_collection", "cart_id", model.cartId, { id: "m.cpc_id", cart_id: "m.cart_id", payment_collection_id: "m.pc_id" }),
      await copyRows(client, "payment_session", "id", m.session_id, { id: "m.ps_id", payment_collection_id: "m.pc_id", data: "m.ps_data" }),
      await copyRows(client, "usdt_checkout_record", "session_id", m.session_id, {
        id: "m.rec_id",
        session_id: "m.ps_id",
        payment_collection_id: "m.pc_id",
        cart_id: "m.cart_id",
        note: "m.ps_id",
        checkout_url: "m.checkout_url",
        expires_at: "m.expires_at",
        opened_at: "m.opened_at",
      }),
    ]
    // Each table but the providers' link holds exactly one row per copy.
    if (copied.some((rows, i) => i !== 5 && rows !== count)) throw new Error(`clone-carts: rows copied per table ${copied.join(", ")}, expected ${count} each`)
    await client.query("commit")
  } catch (error) {
    await client.query("rollback").catch(() => undefined)
    throw error
  } finally {
    await client.end()
  }
  return ids.map((id) => ({ cartId: id.cart, sessionId: id.session }))
}
