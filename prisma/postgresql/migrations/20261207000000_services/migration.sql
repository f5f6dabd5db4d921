-- The services the order saga calls over HTTP (lib/services): inventory, payment and shipping, each
-- with tables of its own that nothing else reads or writes, per demo world. Each service's requests
-- table remembers what it answered to each Idempotency-Key, so that a repeat is answered, not redone.

-- CreateTable
CREATE TABLE "inventory_service_stock" (
    "world_id" TEXT NOT NULL,
    "product_id" TEXT NOT NULL,
    "available" INTEGER NOT NULL,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "inventory_service_stock_pkey" PRIMARY KEY ("world_id", "product_id")
);

-- CreateTable
CREATE TABLE "inventory_service_reservations" (
    "world_id" TEXT NOT NULL,
    "order_id" TEXT NOT NULL,
    "product_id" TEXT NOT NULL,
    "quantity" INTEGER NOT NULL,
    "status" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "inventory_service_reservations_pkey" PRIMARY KEY ("world_id", "order_id")
);

-- CreateTable
CREATE TABLE "payment_service_accounts" (
    "world_id" TEXT NOT NULL,
    "account_id" TEXT NOT NULL,
    "balance_cents" INTEGER NOT NULL,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "payment_service_accounts_pkey" PRIMARY KEY ("world_id", "account_id")
);

-- CreateTable
CREATE TABLE "payment_service_charges" (
    "world_id" TEXT NOT NULL,
    "order_id" TEXT NOT NULL,
    "account_id" TEXT NOT NULL,
    "amount_cents" INTEGER NOT NULL,
    "status" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "payment_service_charges_pkey" PRIMARY KEY ("world_id", "order_id")
);

-- CreateTable
CREATE TABLE "payment_service_ledger" (
    "id" SERIAL NOT NULL,
    "world_id" TEXT NOT NULL,
    "order_id" TEXT NOT NULL,
    "account_id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "amount_cents" INTEGER NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "payment_service_ledger_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "shipping_service_addresses" (
    "world_id" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,
    "address" TEXT,

    CONSTRAINT "shipping_service_addresses_pkey" PRIMARY KEY ("world_id", "user_id")
);

-- CreateTable
CREATE TABLE "shipping_service_shipments" (
    "world_id" TEXT NOT NULL,
    "order_id" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,
    "address" TEXT,
    "status" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "shipping_service_shipments_pkey" PRIMARY KEY ("world_id", "order_id")
);

-- CreateTable
CREATE TABLE "inventory_service_requests" (
    "world_id" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "request_hash" TEXT NOT NULL,
    "status" INTEGER NOT NULL,
    "body" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "inventory_service_requests_pkey" PRIMARY KEY ("world_id", "key")
);

-- CreateTable
CREATE TABLE "payment_service_requests" (
    "world_id" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "request_hash" TEXT NOT NULL,
    "status" INTEGER NOT NULL,
    "body" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "payment_service_requests_pkey" PRIMARY KEY ("world_id", "key")
);

-- CreateTable
CREATE TABLE "shipping_service_requests" (
    "world_id" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "request_hash" TEXT NOT NULL,
    "status" INTEGER NOT NULL,
    "body" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "shipping_service_requests_pkey" PRIMARY KEY ("world_id", "key")
);

-- CreateIndex
CREATE INDEX "payment_service_ledger_world_id_id_idx" ON "payment_service_ledger"("world_id", "id");
