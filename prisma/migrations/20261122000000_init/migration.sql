-- CreateTable
CREATE TABLE "products" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "stock" INTEGER NOT NULL,
    "updated_at" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "accounts" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "balance_cents" INTEGER NOT NULL,
    "shipping_address" TEXT,
    "updated_at" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "orders" (
    "seq" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "id" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,
    "product_id" TEXT NOT NULL,
    "quantity" INTEGER NOT NULL,
    "amount_cents" INTEGER NOT NULL,
    "status" TEXT NOT NULL,
    "created_at" DATETIME NOT NULL,
    "updated_at" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "sagas" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "definition" TEXT NOT NULL,
    "order_id" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "error" TEXT,
    "created_at" DATETIME NOT NULL,
    "updated_at" DATETIME NOT NULL,
    CONSTRAINT "sagas_order_id_fkey" FOREIGN KEY ("order_id") REFERENCES "orders" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "saga_steps" (
    "saga_id" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "compensation_name" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT,
    "started_at" DATETIME,
    "finished_at" DATETIME,
    "compensation_started_at" DATETIME,
    "compensated_at" DATETIME,

    PRIMARY KEY ("saga_id", "position"),
    CONSTRAINT "saga_steps_saga_id_fkey" FOREIGN KEY ("saga_id") REFERENCES "sagas" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "saga_events" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "saga_id" TEXT NOT NULL,
    "position" INTEGER,
    "step" TEXT,
    "phase" TEXT NOT NULL,
    "outcome" TEXT NOT NULL,
    "error" TEXT,
    "created_at" DATETIME NOT NULL,
    CONSTRAINT "saga_events_saga_id_fkey" FOREIGN KEY ("saga_id") REFERENCES "sagas" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "inventory_reservations" (
    "order_id" TEXT NOT NULL PRIMARY KEY,
    "product_id" TEXT NOT NULL,
    "quantity" INTEGER NOT NULL,
    "status" TEXT NOT NULL,
    "reserved_at" DATETIME NOT NULL,
    "released_at" DATETIME
);

-- CreateTable
CREATE TABLE "payments" (
    "order_id" TEXT NOT NULL PRIMARY KEY,
    "user_id" TEXT NOT NULL,
    "amount_cents" INTEGER NOT NULL,
    "status" TEXT NOT NULL,
    "charged_at" DATETIME NOT NULL,
    "refunded_at" DATETIME
);

-- CreateTable
CREATE TABLE "shipments" (
    "order_id" TEXT NOT NULL PRIMARY KEY,
    "user_id" TEXT NOT NULL,
    "address" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "shipped_at" DATETIME NOT NULL,
    "cancelled_at" DATETIME
);

-- CreateIndex
CREATE UNIQUE INDEX "orders_id_key" ON "orders"("id");

-- CreateIndex
CREATE UNIQUE INDEX "sagas_order_id_key" ON "sagas"("order_id");

-- CreateIndex
CREATE INDEX "sagas_status_idx" ON "sagas"("status");

-- CreateIndex
CREATE INDEX "saga_events_saga_id_id_idx" ON "saga_events"("saga_id", "id");

-- CreateIndex
CREATE INDEX "inventory_reservations_product_id_idx" ON "inventory_reservations"("product_id");

-- CreateIndex
CREATE INDEX "payments_user_id_idx" ON "payments"("user_id");
