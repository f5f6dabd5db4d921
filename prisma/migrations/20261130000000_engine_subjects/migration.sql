-- The engine's tables no longer reference orders: a saga names its subject by type and id, and an
-- order names its saga. Steps record what a remote service answered.

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_orders" (
    "seq" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "id" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,
    "product_id" TEXT NOT NULL,
    "quantity" INTEGER NOT NULL,
    "amount_cents" INTEGER NOT NULL,
    "status" TEXT NOT NULL,
    "saga_id" TEXT NOT NULL,
    "created_at" DATETIME NOT NULL,
    "updated_at" DATETIME NOT NULL
);
INSERT INTO "new_orders" ("seq", "id", "user_id", "product_id", "quantity", "amount_cents", "status", "saga_id", "created_at", "updated_at")
SELECT o."seq", o."id", o."user_id", o."product_id", o."quantity", o."amount_cents", o."status", s."id", o."created_at", o."updated_at"
FROM "orders" o JOIN "sagas" s ON s."order_id" = o."id";
DROP TABLE "orders";
ALTER TABLE "new_orders" RENAME TO "orders";
CREATE UNIQUE INDEX "orders_id_key" ON "orders"("id");
CREATE UNIQUE INDEX "orders_saga_id_key" ON "orders"("saga_id");
CREATE TABLE "new_sagas" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "definition" TEXT NOT NULL,
    "subject_type" TEXT NOT NULL,
    "subject_id" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "error" TEXT,
    "options" TEXT NOT NULL DEFAULT '{}',
    "created_at" DATETIME NOT NULL,
    "updated_at" DATETIME NOT NULL
);
INSERT INTO "new_sagas" ("id", "definition", "subject_type", "subject_id", "status", "error", "options", "created_at", "updated_at")
SELECT "id", "definition", 'order', "order_id", "status", "error", "options", "created_at", "updated_at" FROM "sagas";
DROP TABLE "sagas";
ALTER TABLE "new_sagas" RENAME TO "sagas";
CREATE INDEX "sagas_subject_type_subject_id_idx" ON "sagas"("subject_type", "subject_id");
CREATE INDEX "sagas_status_idx" ON "sagas"("status");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- AlterTable
ALTER TABLE "saga_steps" ADD COLUMN "output" TEXT;
ALTER TABLE "saga_steps" ADD COLUMN "compensation_output" TEXT;
