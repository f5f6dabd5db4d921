/**
 * Claiming a saga before running it: this process takes its lease (lib/saga/lease.ts), or waits while
 * another replica holds it, and takes it over if that replica dies (its lease expires).
 */
import type { Database } from "../db/client";
import { logger } from "../log";
import { claimSaga } from "./lease";
import { retryDatabaseFault } from "./policy";
import { Interrupted, isDraining, sleep, type RunOutcome } from "./process";
import { isInFlight } from "./status";
import { loadSaga } from "./store";

const log = logger("orchestrator");

// How often a run waiting on another replica's saga looks again.
const WAIT_FOR_OTHER_MS = 250;

/**
 * Takes the saga's lease, or (`wait`) waits while another replica holds it: resolves "claimed", or with
 * how the saga ended (undefined when it is gone, or held by another and not waited for). A saga that
 * has already ended is answered as it stands, without a write. A fault of the database is tried again
 * (retryDatabaseFault); shutdown stops the wait (Interrupted).
 */
export async function claimOrWait(db: Database, sagaId: string, wait: boolean): Promise<"claimed" | RunOutcome | undefined> {
  const look = async (): Promise<"claimed" | "held" | RunOutcome | undefined> => {
    const loaded = await loadSaga(db.read, sagaId);
    if (!loaded) return undefined;
    if (!isInFlight(loaded.saga.status)) return { status: loaded.saga.status, steps: loaded.steps };
    return (await db.write((tx) => claimSaga(tx, sagaId, !db.replicated))) ? "claimed" : "held";
  };
  for (;;) {
    const seen = await retryDatabaseFault(look, {
      interruptible: true,
      onFault: (fault, ms) =>
        log.warn(`Saga ${sagaId}: the database refused its claim (${fault}); trying again in ${ms} ms`, { saga_id: sagaId }),
    });
    if (seen !== "held") return seen;
    if (!wait) return undefined;
    if (isDraining()) throw new Interrupted();
    await sleep(WAIT_FOR_OTHER_MS);
  }
}
