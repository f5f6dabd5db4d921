-- Step by step: a saga run with simulation.step_by_step waits before each transition until an operator
-- continues it (POST /sagas/{id}/continue) or its pause times out. What it waits before, since when and
-- until when are on its row, so that every reader (the API, the timeline, another replica) sees the
-- pause, and a restart waits again where the last process stopped. Null when it is not waiting.

-- AlterTable
ALTER TABLE "sagas" ADD COLUMN "waiting_before" TEXT;
ALTER TABLE "sagas" ADD COLUMN "waiting_phase" TEXT;
ALTER TABLE "sagas" ADD COLUMN "waiting_since" DATETIME;
ALTER TABLE "sagas" ADD COLUMN "waiting_until" DATETIME;
