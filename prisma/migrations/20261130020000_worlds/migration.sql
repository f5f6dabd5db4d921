-- Demo worlds: every visitor gets products, accounts and orders of their own (a world), and a saga
-- names the world it runs in (its scope). What was there before is the shared default world.

-- CreateTable
CREATE TABLE "worlds" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "created_at" DATETIME NOT NULL,
    "last_seen_at" DATETIME NOT NULL
);
INSERT INTO "worlds" ("id", "created_at", "last_seen_at") VALUES ('default', strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));

-- CreateIndex
CREATE INDEX "worlds_last_seen_at_idx" ON "worlds"("last_seen_at");

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_products" (
    "world_id" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "stock" INTEGER NOT NULL,
    "updated_at" DATETIME NOT NULL,

    PRIMARY KEY ("world_id", "id"),
    CONSTRAINT "products_world_id_fkey" FOREIGN KEY ("world_id") REFERENCES "worlds" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_products" ("world_id", "id", "name", "stock", "updated_at") SELECT 'default', "id", "name", "stock", "updated_at" FROM "products";
DROP TABLE "products";
ALTER TABLE "new_products" RENAME TO "products";
CREATE TABLE "new_accounts" (
    "world_id" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "balance_cents" INTEGER NOT NULL,
    "shipping_address" TEXT,
    "updated_at" DATETIME NOT NULL,

    PRIMARY KEY ("world_id", "id"),
    CONSTRAINT "accounts_world_id_fkey" FOREIGN KEY ("world_id") REFERENCES "worlds" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_accounts" ("world_id", "id", "name", "balance_cents", "shipping_address", "updated_at") SELECT 'default', "id", "name", "balance_cents", "shipping_address", "updated_at" FROM "accounts";
DROP TABLE "accounts";
ALTER TABLE "new_accounts" RENAME TO "accounts";
CREATE TABLE "new_orders" (
    "seq" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "id" TEXT NOT NULL,
    "world_id" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,
    "product_id" TEXT NOT NULL,
    "quantity" INTEGER NOT NULL,
    "amount_cents" INTEGER NOT NULL,
    "status" TEXT NOT NULL,
    "saga_id" TEXT NOT NULL,
    "created_at" DATETIME NOT NULL,
    "updated_at" DATETIME NOT NULL,
    CONSTRAINT "orders_world_id_fkey" FOREIGN KEY ("world_id") REFERENCES "worlds" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_orders" ("seq", "id", "world_id", "user_id", "product_id", "quantity", "amount_cents", "status", "saga_id", "created_at", "updated_at")
SELECT "seq", "id", 'default', "user_id", "product_id", "quantity", "amount_cents", "status", "saga_id", "created_at", "updated_at" FROM "orders";
DROP TABLE "orders";
ALTER TABLE "new_orders" RENAME TO "orders";
CREATE UNIQUE INDEX "orders_id_key" ON "orders"("id");
CREATE UNIQUE INDEX "orders_saga_id_key" ON "orders"("saga_id");
CREATE INDEX "orders_world_id_seq_idx" ON "orders"("world_id", "seq");
CREATE TABLE "new_idempotency_keys" (
    "world_id" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "request_hash" TEXT NOT NULL,
    "order_id" TEXT NOT NULL,
    "created_at" DATETIME NOT NULL,

    PRIMARY KEY ("world_id", "key"),
    CONSTRAINT "idempotency_keys_order_id_fkey" FOREIGN KEY ("order_id") REFERENCES "orders" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_idempotency_keys" ("world_id", "key", "request_hash", "order_id", "created_at") SELECT 'default', "key", "request_hash", "order_id", "created_at" FROM "idempotency_keys";
DROP TABLE "idempotency_keys";
ALTER TABLE "new_idempotency_keys" RENAME TO "idempotency_keys";
CREATE UNIQUE INDEX "idempotency_keys_order_id_key" ON "idempotency_keys"("order_id");
CREATE TABLE "new_inventory_reservations" (
    "order_id" TEXT NOT NULL PRIMARY KEY,
    "product_id" TEXT NOT NULL,
    "quantity" INTEGER NOT NULL,
    "status" TEXT NOT NULL,
    "reserved_at" DATETIME NOT NULL,
    "released_at" DATETIME,
    CONSTRAINT "inventory_reservations_order_id_fkey" FOREIGN KEY ("order_id") REFERENCES "orders" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_inventory_reservations" ("order_id", "product_id", "quantity", "status", "reserved_at", "released_at")
SELECT "order_id", "product_id", "quantity", "status", "reserved_at", "released_at" FROM "inventory_reservations" WHERE "order_id" IN (SELECT "id" FROM "orders");
DROP TABLE "inventory_reservations";
ALTER TABLE "new_inventory_reservations" RENAME TO "inventory_reservations";
CREATE INDEX "inventory_reservations_product_id_idx" ON "inventory_reservations"("product_id");
CREATE TABLE "new_payments" (
    "order_id" TEXT NOT NULL PRIMARY KEY,
    "user_id" TEXT NOT NULL,
    "amount_cents" INTEGER NOT NULL,
    "status" TEXT NOT NULL,
    "charged_at" DATETIME NOT NULL,
    "refunded_at" DATETIME,
    CONSTRAINT "payments_order_id_fkey" FOREIGN KEY ("order_id") REFERENCES "orders" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_payments" ("order_id", "user_id", "amount_cents", "status", "charged_at", "refunded_at")
SELECT "order_id", "user_id", "amount_cents", "status", "charged_at", "refunded_at" FROM "payments" WHERE "order_id" IN (SELECT "id" FROM "orders");
DROP TABLE "payments";
ALTER TABLE "new_payments" RENAME TO "payments";
CREATE INDEX "payments_user_id_idx" ON "payments"("user_id");
CREATE TABLE "new_shipments" (
    "order_id" TEXT NOT NULL PRIMARY KEY,
    "user_id" TEXT NOT NULL,
    "address" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "shipped_at" DATETIME NOT NULL,
    "cancelled_at" DATETIME,
    CONSTRAINT "shipments_order_id_fkey" FOREIGN KEY ("order_id") REFERENCES "orders" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_shipments" ("order_id", "user_id", "address", "status", "shipped_at", "cancelled_at")
SELECT "order_id", "user_id", "address", "status", "shipped_at", "cancelled_at" FROM "shipments" WHERE "order_id" IN (SELECT "id" FROM "orders");
DROP TABLE "shipments";
ALTER TABLE "new_shipments" RENAME TO "shipments";
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- AlterTable
ALTER TABLE "sagas" ADD COLUMN "scope" TEXT NOT NULL DEFAULT '';
UPDATE "sagas" SET "scope" = 'default' WHERE "subject_type" = 'order';

-- DropIndex
DROP INDEX "sagas_created_at_id_idx";

-- DropIndex
DROP INDEX "sagas_status_created_at_id_idx";

-- CreateIndex
CREATE INDEX "sagas_scope_created_at_id_idx" ON "sagas"("scope", "created_at", "id");

-- CreateIndex
CREATE INDEX "sagas_scope_status_created_at_id_idx" ON "sagas"("scope", "status", "created_at", "id");

-- CreateIndex
CREATE INDEX "sagas_status_idx" ON "sagas"("status");
