/**
 * An operator's retry of a saga stuck in compensation_failed (POST /sagas/{id}/retry): back to
 * compensating, and on with the compensations, each with a fresh round of attempts.
 */
import { database } from "../db/client";
import { logger } from "../log";
import { publish } from "./events";
import { findDefinition } from "./registry";
import { refuseUnknownVersion, runSaga } from "./runs";
import type { SagaStatus } from "./status";
import { LeaseLost, loadSaga, SagaVanished } from "./store";
import { Transition } from "./transition";

const log = logger("orchestrator");

/**
 * Resolves with the saga's new status, or undefined when there is no such saga; a saga that is not
 * stuck is left alone. Rejects with UnknownDefinitionVersion, the saga left as it was, when this build
 * lacks the version it started under.
 */
export async function retrySaga(sagaId: string): Promise<SagaStatus | undefined> {
  const db = await database();
  const loaded = await loadSaga(db.read, sagaId);
  if (!loaded) return undefined;
  if (loaded.saga.status !== "compensation_failed") return loaded.saga.status;
  const definition = findDefinition(loaded.saga.definition, loaded.saga.definitionVersion);
  // Its compensations cannot run under another version's steps: it stays stuck as it is, and the
  // operator is told why (UnknownDefinitionVersion).
  if (!definition) {
    const refusal = await refuseUnknownVersion(db, loaded.saga);
    log.error(refusal.message, { saga_id: sagaId });
    throw refusal;
  }
  // The saga's error goes back to why it compensated, from the compensation's: the action that failed
  // (its step may be being undone itself, if it failed in doubt, so the log says which).
  const cause = await db.read.sagaEvent.findFirst({
    where: { sagaId, phase: "action", outcome: "failed" },
    orderBy: { id: "desc" },
    select: { error: true },
  });
  try {
    await db.write(async (tx) => {
      const t = new Transition(tx, sagaId, loaded.steps);
      // Only a saga still stuck: a retry asked twice at once (two replicas) runs once.
      t.takeOverIf("compensation_failed");
      t.setSagaStatus("compensating", cause?.error ?? loaded.steps.find((step) => step.status === "failed")?.error ?? undefined);
      await definition.onStatus?.(tx, loaded.saga.subjectId, "compensating");
      await t.save();
    });
  } catch (error) {
    // Gone, or no longer stuck: another retry (on another replica) took it first.
    if (error instanceof SagaVanished || error instanceof LeaseLost) return (await loadSaga(db.read, sagaId))?.saga.status;
    throw error;
  }
  publish({ type: "event", sagaId });
  log.info(`Saga ${sagaId}: an operator retries its compensation`, { saga_id: sagaId });
  return runSaga(sagaId);
}
