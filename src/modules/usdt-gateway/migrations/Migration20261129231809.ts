import { Migration } from "@medusajs/framework/mikro-orm/migrations";

export class Migration20261129231809 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table if not exists "usdt_gateway_setting" ("id" text not null, "merchant_id" text null, "base_url" text null, "api_key_encrypted" text null, "webhook_secret_encrypted" text null, "previous_webhook_secret_encrypted" text null, "reconcile_high_water_mark" timestamptz null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "deleted_at" timestamptz null, constraint "usdt_gateway_setting_pkey" primary key ("id"));`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_usdt_gateway_setting_deleted_at" ON "usdt_gateway_setting" ("deleted_at") WHERE deleted_at IS NULL;`);

    this.addSql(`create table if not exists "usdt_reconciliation_run" ("id" text not null, "started_at" timestamptz not null, "finished_at" timestamptz null, "window_from" timestamptz null, "window_to" timestamptz null, "status" text check ("status" in ('running', 'succeeded', 'failed')) not null default 'running', "pages" integer not null default 0, "payments_seen" integer not null default 0, "healed" integer not null default 0, "expired" integer not null default 0, "discrepancies" jsonb null, "duration_ms" integer null, "requests" integer not null default 0, "rate_limited" integer not null default 0, "error" text null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "deleted_at" timestamptz null, constraint "usdt_reconciliation_run_pkey" primary key ("id"));`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_usdt_reconciliation_run_deleted_at" ON "usdt_reconciliation_run" ("deleted_at") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_usdt_reconciliation_run_started_at" ON "usdt_reconciliation_run" ("started_at") WHERE deleted_at IS NULL;`);

    this.addSql(`create table if not exists "usdt_webhook_delivery" ("id" text not null, "received_at" timestamptz not null, "verified" boolean not null default false, "reason" text null, "event" text null, "payment_record_id" text null, "merchant_id" text null, "note" text null, "amount" text null, "currency" text null, "outcome" text null, "raw_body" text not null, "replayed_at" timestamptz null, "replay_outcome" text null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "deleted_at" timestamptz null, constraint "usdt_webhook_delivery_pkey" primary key ("id"));`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_usdt_webhook_delivery_deleted_at" ON "usdt_webhook_delivery" ("deleted_at") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_usdt_webhook_delivery_received_at" ON "usdt_webhook_delivery" ("received_at") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_usdt_webhook_delivery_note" ON "usdt_webhook_delivery" ("note") WHERE deleted_at IS NULL;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "usdt_gateway_setting" cascade;`);

    this.addSql(`drop table if exists "usdt_reconciliation_run" cascade;`);

    this.addSql(`drop table if exists "usdt_webhook_delivery" cascade;`);
  }

}
