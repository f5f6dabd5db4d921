-- What a service answered an attempt of a step that calls it, on the event that records the attempt's
-- outcome: its HTTP status and whether it answered from its record of the step's Idempotency-Key (a
-- replay), as JSON ({"status": 201, "replayed": true}). Null when nothing was heard: a lost answer, a
-- service down, a local step. The run's sequence diagram draws each request and its answer from it.

-- AlterTable
ALTER TABLE "saga_events" ADD COLUMN "call" TEXT;
