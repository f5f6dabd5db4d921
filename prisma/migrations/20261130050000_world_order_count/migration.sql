-- A count of each world's orders, kept by the app: answering GET /world and checking the order limit
-- no longer count a world's rows. Filled in for the orders already there.

-- AlterTable
ALTER TABLE "worlds" ADD COLUMN "order_count" INTEGER NOT NULL DEFAULT 0;

UPDATE "worlds" SET "order_count" = (SELECT COUNT(*) FROM "orders" WHERE "orders"."world_id" = "worlds"."id");
