-- The saga across real services: inventory, payment and shipping now own their data (lib/services), and
-- the order saga calls them over HTTP. What the order steps wrote locally moves into the services'
-- tables, so that a database written by the app before opens under this one with every world's stock,
-- balances, addresses, reservations, charges (with their ledger) and shipments where the services find
-- them, and a saga in flight finishes against them: each service recognises an order it already has.
-- Then the orchestrator's copies go: the services' tables are the only ones.

-- Stock, balances and addresses of every world.
INSERT INTO "inventory_service_stock" ("world_id", "product_id", "available", "updated_at")
SELECT "world_id", "id", "stock", "updated_at" FROM "products" AS p
WHERE NOT EXISTS (SELECT 1 FROM "inventory_service_stock" AS s WHERE s."world_id" = p."world_id" AND s."product_id" = p."id");

INSERT INTO "payment_service_accounts" ("world_id", "account_id", "balance_cents", "updated_at")
SELECT "world_id", "id", "balance_cents", "updated_at" FROM "accounts" AS a
WHERE NOT EXISTS (SELECT 1 FROM "payment_service_accounts" AS s WHERE s."world_id" = a."world_id" AND s."account_id" = a."id");

INSERT INTO "shipping_service_addresses" ("world_id", "user_id", "address")
SELECT "world_id", "id", "shipping_address" FROM "accounts" AS a
WHERE NOT EXISTS (SELECT 1 FROM "shipping_service_addresses" AS s WHERE s."world_id" = a."world_id" AND s."user_id" = a."id");

-- What each order's steps did.
INSERT INTO "inventory_service_reservations" ("world_id", "order_id", "product_id", "quantity", "status", "created_at", "updated_at")
SELECT o."world_id", r."order_id", r."product_id", r."quantity", r."status", r."reserved_at", COALESCE(r."released_at", r."reserved_at")
FROM "inventory_reservations" AS r JOIN "orders" AS o ON o."id" = r."order_id";

INSERT INTO "payment_service_charges" ("world_id", "order_id", "account_id", "amount_cents", "status", "created_at", "updated_at")
SELECT o."world_id", p."order_id", p."user_id", p."amount_cents", p."status", p."charged_at", COALESCE(p."refunded_at", p."charged_at")
FROM "payments" AS p JOIN "orders" AS o ON o."id" = p."order_id";

INSERT INTO "payment_service_ledger" ("world_id", "order_id", "account_id", "kind", "amount_cents", "created_at")
SELECT "world_id", "order_id", "account_id", "kind", "amount_cents", "created_at" FROM (
  SELECT o."world_id", p."order_id", p."user_id" AS "account_id", 'charge' AS "kind", -p."amount_cents" AS "amount_cents", p."charged_at" AS "created_at"
  FROM "payments" AS p JOIN "orders" AS o ON o."id" = p."order_id"
  UNION ALL
  SELECT o."world_id", p."order_id", p."user_id", 'refund', p."amount_cents", p."refunded_at"
  FROM "payments" AS p JOIN "orders" AS o ON o."id" = p."order_id" WHERE p."status" = 'refunded' AND p."refunded_at" IS NOT NULL
) AS entries ORDER BY "created_at";

INSERT INTO "shipping_service_shipments" ("world_id", "order_id", "user_id", "address", "status", "created_at", "updated_at")
SELECT o."world_id", s."order_id", s."user_id", s."address", CASE s."status" WHEN 'shipped' THEN 'created' ELSE s."status" END, s."shipped_at", COALESCE(s."cancelled_at", s."shipped_at")
FROM "shipments" AS s JOIN "orders" AS o ON o."id" = s."order_id";

-- DropTable
DROP TABLE "inventory_reservations";
DROP TABLE "payments";
DROP TABLE "shipments";

-- AlterTable
ALTER TABLE "products" DROP COLUMN "stock";
ALTER TABLE "accounts" DROP COLUMN "balance_cents";
ALTER TABLE "accounts" DROP COLUMN "shipping_address";
