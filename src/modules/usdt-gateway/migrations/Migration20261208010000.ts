import { Migration } from "@medusajs/framework/mikro-orm/migrations";

/** Deliveries are answered once recorded and processed afterwards: the processing's attempts, lease and end. */
export class Migration20261208010000 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table if exists "usdt_webhook_delivery" add column if not exists "attempts" integer not null default 0, add column if not exists "claimed_at" timestamptz null, add column if not exists "processed_at" timestamptz null;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_usdt_webhook_delivery_outcome_received_at" ON "usdt_webhook_delivery" ("outcome", "received_at") WHERE deleted_at IS NULL;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index if exists "IDX_usdt_webhook_delivery_outcome_received_at";`);
    this.addSql(`alter table if exists "usdt_webhook_delivery" drop column if exists "attempts", drop column if exists "claimed_at", drop column if exists "processed_at";`);
  }

}
