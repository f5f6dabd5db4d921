-- A run's story: each completed action or compensation keeps its service's own log line ("Reserved 2
-- units of product_1") with its event, and each saga the version of the definition it ran (its steps
-- and compensations), so an older run still draws with the steps it actually had.

-- AlterTable
ALTER TABLE "saga_events" ADD COLUMN "detail" TEXT;

-- AlterTable
ALTER TABLE "sagas" ADD COLUMN "definition_version" TEXT NOT NULL DEFAULT '';
