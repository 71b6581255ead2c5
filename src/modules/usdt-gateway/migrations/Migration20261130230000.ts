import { Migration } from "@medusajs/framework/mikro-orm/migrations";

/** The refund ledger (models/refund-ledger.ts). */
export class Migration20261130230000 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table if not exists "usdt_refund" ("id" text not null, "gateway_payment_id" text not null, "payment_session_id" text null, "payment_id" text null, "medusa_refund_id" text null, "kind" text check ("kind" in ('refund', 'excess')) not null default 'refund', "amount_cents" integer not null, "status" text check ("status" in ('pending', 'completed', 'uncertain', 'not_made')) not null default 'pending', "gateway_refund_id" text null, "idempotency_key" text not null, "reason" text null, "message" text null, "settled_at" timestamptz null, "record_in_medusa" boolean not null default false, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "deleted_at" timestamptz null, constraint "usdt_refund_pkey" primary key ("id"));`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_usdt_refund_deleted_at" ON "usdt_refund" ("deleted_at") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_usdt_refund_gateway_payment_id" ON "usdt_refund" ("gateway_payment_id") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE UNIQUE INDEX IF NOT EXISTS "IDX_usdt_refund_idempotency_key_unique" ON "usdt_refund" ("idempotency_key") WHERE deleted_at IS NULL;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "usdt_refund" cascade;`);
  }

}
