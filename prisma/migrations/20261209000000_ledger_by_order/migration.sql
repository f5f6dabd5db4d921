-- The payment service answers what it holds for one order (GET /services/payment/orders/{order_id}):
-- its ledger's entries of that order, found by world and order rather than by reading the world's ledger.

-- CreateIndex
CREATE INDEX "payment_service_ledger_world_id_order_id_idx" ON "payment_service_ledger"("world_id", "order_id");
