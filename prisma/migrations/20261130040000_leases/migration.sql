-- Leases: with several replicas on one database, a saga is driven by one process at a time. The process
-- that drives it holds its lease (owner, expiry), renews it while it drives, and every transition checks
-- it; a saga whose lease has expired (its process died) is claimed by another.

-- AlterTable
ALTER TABLE "sagas" ADD COLUMN "lease_owner" TEXT;
ALTER TABLE "sagas" ADD COLUMN "lease_expires_at" DATETIME;
