import { Migration } from "@medusajs/framework/mikro-orm/migrations";

export class Migration20261130230612 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table if exists "usdt_checkout_record" drop constraint if exists "usdt_checkout_record_session_id_unique";`);
    this.addSql(`create table if not exists "usdt_checkout_record" ("id" text not null, "session_id" text not null, "payment_collection_id" text not null, "cart_id" text null, "note" text not null, "opened" boolean not null default true, "amount_cents" integer not null, "checkout_url" text not null, "expires_at" timestamptz not null, "opened_at" timestamptz not null, "success_url" text null, "cancel_url" text null, "state" text check ("state" in ('open', 'paid', 'completed', 'paid_no_order', 'refunding', 'refunded')) not null default 'open', "gateway_payment_id" text null, "paid_cents" integer null, "order_id" text null, "detail" text null, "refund_id" text null, "settled_at" timestamptz null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "deleted_at" timestamptz null, constraint "usdt_checkout_record_pkey" primary key ("id"));`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_usdt_checkout_record_deleted_at" ON "usdt_checkout_record" ("deleted_at") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE UNIQUE INDEX IF NOT EXISTS "IDX_usdt_checkout_record_session_id_unique" ON "usdt_checkout_record" ("session_id") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_usdt_checkout_record_payment_collection_id_opened_at" ON "usdt_checkout_record" ("payment_collection_id", "opened_at") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_usdt_checkout_record_note" ON "usdt_checkout_record" ("note") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_usdt_checkout_record_state" ON "usdt_checkout_record" ("state") WHERE deleted_at IS NULL;`);

    this.addSql(`alter table if exists "usdt_webhook_delivery" add column if not exists "suppressed" integer null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "usdt_checkout_record" cascade;`);

    this.addSql(`alter table if exists "usdt_webhook_delivery" drop column if exists "suppressed";`);
  }

}
