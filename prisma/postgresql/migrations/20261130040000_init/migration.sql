-- The whole data model on PostgreSQL, as of the SQLite migrations up to 20261130040000_leases (PostgreSQL
-- support began there, so it starts from one migration), with the shared demo world.

-- CreateTable
CREATE TABLE "worlds" (
    "id" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL,
    "last_seen_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "worlds_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "products" (
    "world_id" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "stock" INTEGER NOT NULL,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "products_pkey" PRIMARY KEY ("world_id","id")
);

-- CreateTable
CREATE TABLE "accounts" (
    "world_id" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "balance_cents" INTEGER NOT NULL,
    "shipping_address" TEXT,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "accounts_pkey" PRIMARY KEY ("world_id","id")
);

-- CreateTable
CREATE TABLE "orders" (
    "seq" SERIAL NOT NULL,
    "id" TEXT NOT NULL,
    "world_id" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,
    "product_id" TEXT NOT NULL,
    "quantity" INTEGER NOT NULL,
    "amount_cents" INTEGER NOT NULL,
    "status" TEXT NOT NULL,
    "saga_id" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "orders_pkey" PRIMARY KEY ("seq")
);

-- CreateTable
CREATE TABLE "idempotency_keys" (
    "world_id" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "request_hash" TEXT NOT NULL,
    "order_id" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "idempotency_keys_pkey" PRIMARY KEY ("world_id","key")
);

-- CreateTable
CREATE TABLE "sagas" (
    "id" TEXT NOT NULL,
    "definition" TEXT NOT NULL,
    "definition_version" TEXT NOT NULL DEFAULT '',
    "subject_type" TEXT NOT NULL,
    "subject_id" TEXT NOT NULL,
    "scope" TEXT NOT NULL DEFAULT '',
    "status" TEXT NOT NULL,
    "error" TEXT,
    "options" TEXT NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMP(3) NOT NULL,
    "updated_at" TIMESTAMP(3) NOT NULL,
    "lease_owner" TEXT,
    "lease_expires_at" TIMESTAMP(3),

    CONSTRAINT "sagas_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "saga_steps" (
    "saga_id" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "compensation_name" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "compensation_attempts" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT,
    "started_at" TIMESTAMP(3),
    "finished_at" TIMESTAMP(3),
    "compensation_started_at" TIMESTAMP(3),
    "compensated_at" TIMESTAMP(3),
    "output" TEXT,
    "compensation_output" TEXT,

    CONSTRAINT "saga_steps_pkey" PRIMARY KEY ("saga_id","position")
);

-- CreateTable
CREATE TABLE "saga_events" (
    "id" SERIAL NOT NULL,
    "saga_id" TEXT NOT NULL,
    "position" INTEGER,
    "step" TEXT,
    "phase" TEXT NOT NULL,
    "outcome" TEXT NOT NULL,
    "error" TEXT,
    "detail" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "saga_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "inventory_reservations" (
    "order_id" TEXT NOT NULL,
    "product_id" TEXT NOT NULL,
    "quantity" INTEGER NOT NULL,
    "status" TEXT NOT NULL,
    "reserved_at" TIMESTAMP(3) NOT NULL,
    "released_at" TIMESTAMP(3),

    CONSTRAINT "inventory_reservations_pkey" PRIMARY KEY ("order_id")
);

-- CreateTable
CREATE TABLE "payments" (
    "order_id" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,
    "amount_cents" INTEGER NOT NULL,
    "status" TEXT NOT NULL,
    "charged_at" TIMESTAMP(3) NOT NULL,
    "refunded_at" TIMESTAMP(3),

    CONSTRAINT "payments_pkey" PRIMARY KEY ("order_id")
);

-- CreateTable
CREATE TABLE "shipments" (
    "order_id" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,
    "address" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "shipped_at" TIMESTAMP(3) NOT NULL,
    "cancelled_at" TIMESTAMP(3),

    CONSTRAINT "shipments_pkey" PRIMARY KEY ("order_id")
);

-- CreateIndex
CREATE INDEX "worlds_last_seen_at_idx" ON "worlds"("last_seen_at");

-- CreateIndex
CREATE UNIQUE INDEX "orders_id_key" ON "orders"("id");

-- CreateIndex
CREATE UNIQUE INDEX "orders_saga_id_key" ON "orders"("saga_id");

-- CreateIndex
CREATE INDEX "orders_world_id_seq_idx" ON "orders"("world_id", "seq");

-- CreateIndex
CREATE UNIQUE INDEX "idempotency_keys_order_id_key" ON "idempotency_keys"("order_id");

-- CreateIndex
CREATE INDEX "sagas_subject_type_subject_id_idx" ON "sagas"("subject_type", "subject_id");

-- CreateIndex
CREATE INDEX "sagas_scope_created_at_id_idx" ON "sagas"("scope", "created_at", "id");

-- CreateIndex
CREATE INDEX "sagas_scope_status_created_at_id_idx" ON "sagas"("scope", "status", "created_at", "id");

-- CreateIndex
CREATE INDEX "sagas_status_idx" ON "sagas"("status");

-- CreateIndex
CREATE INDEX "saga_events_saga_id_id_idx" ON "saga_events"("saga_id", "id");

-- CreateIndex
CREATE INDEX "inventory_reservations_product_id_idx" ON "inventory_reservations"("product_id");

-- CreateIndex
CREATE INDEX "payments_user_id_idx" ON "payments"("user_id");

-- AddForeignKey
ALTER TABLE "products" ADD CONSTRAINT "products_world_id_fkey" FOREIGN KEY ("world_id") REFERENCES "worlds"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "accounts" ADD CONSTRAINT "accounts_world_id_fkey" FOREIGN KEY ("world_id") REFERENCES "worlds"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "orders" ADD CONSTRAINT "orders_world_id_fkey" FOREIGN KEY ("world_id") REFERENCES "worlds"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "idempotency_keys" ADD CONSTRAINT "idempotency_keys_order_id_fkey" FOREIGN KEY ("order_id") REFERENCES "orders"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "saga_steps" ADD CONSTRAINT "saga_steps_saga_id_fkey" FOREIGN KEY ("saga_id") REFERENCES "sagas"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "saga_events" ADD CONSTRAINT "saga_events_saga_id_fkey" FOREIGN KEY ("saga_id") REFERENCES "sagas"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "inventory_reservations" ADD CONSTRAINT "inventory_reservations_order_id_fkey" FOREIGN KEY ("order_id") REFERENCES "orders"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "payments" ADD CONSTRAINT "payments_order_id_fkey" FOREIGN KEY ("order_id") REFERENCES "orders"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "shipments" ADD CONSTRAINT "shipments_order_id_fkey" FOREIGN KEY ("order_id") REFERENCES "orders"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- The shared demo world (its products and accounts are seeded at start-up).
INSERT INTO "worlds" ("id", "created_at", "last_seen_at") VALUES ('default', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP);
