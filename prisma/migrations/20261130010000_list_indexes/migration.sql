-- Lists of sagas, newest first, a page at a time (GET /sagas?limit=&cursor=): with or without a status.

-- DropIndex
DROP INDEX "sagas_status_idx";

-- CreateIndex
CREATE INDEX "sagas_created_at_id_idx" ON "sagas"("created_at", "id");

-- CreateIndex
CREATE INDEX "sagas_status_created_at_id_idx" ON "sagas"("status", "created_at", "id");
