-- A world's orders are listed newest first by when they were placed (then seq), from an index of their
-- own: ordered by seq alone, the primary key could answer the same order, and PostgreSQL walked it
-- backward past every newer order of the other worlds, filtering on the world, for a world that holds
-- much of the table. (SQLite sought the old index; it now seeks this one.)

-- DropIndex
DROP INDEX "orders_world_id_seq_idx";

-- CreateIndex
CREATE INDEX "orders_world_id_created_at_seq_idx" ON "orders"("world_id", "created_at", "seq");
