/**
 * Running a saga: one run per saga in this process (`runs`), so that a resume and a request never drive
 * the same saga twice at once. A run claims the saga first (lib/saga/claim.ts), loads it and its
 * definition (the version it started under), and drives it (lib/saga/run.ts) until it ends.
 */
import { database, type Database } from "../db/client";
import { logger } from "../log";
import { claimOrWait } from "./claim";
import { parseStoredOptions } from "./options";
import { describe, Interrupted, runs, type RunOutcome } from "./process";
import { findDefinition, registeredVersions } from "./registry";
import { SagaRun } from "./run";
import { runOfStarted, type StartedSaga } from "./start";
import type { SagaStatus } from "./status";
import { LeaseLost, loadSaga, SagaVanished } from "./store";

const log = logger("orchestrator");

/**
 * Runs (or resumes) a saga until it is completed or failed; resolves with how it ended, or undefined
 * when it stopped before (shutdown, a reset removed it, or another replica drives it). Given the
 * `StartedSaga` that startSaga recorded, it starts from there instead of reading the saga back. Without
 * `wait`, a saga another replica holds is left to it.
 */
export function runSagaToEnd(
  saga: string | StartedSaga<unknown>,
  { wait = true }: { wait?: boolean } = {},
): Promise<RunOutcome | undefined> {
  const sagaId = typeof saga === "string" ? saga : saga.id;
  let run = runs.get(sagaId);
  if (!run) {
    run = runOnce(sagaId, typeof saga === "string" ? undefined : saga, wait).finally(() => runs.delete(sagaId));
    runs.set(sagaId, run);
  }
  return run;
}

/** Runs (or resumes) a saga until it is completed or failed; resolves with its final status. */
export async function runSaga(saga: string | StartedSaga<unknown>): Promise<SagaStatus | undefined> {
  return (await runSagaToEnd(saga))?.status;
}

async function runOnce(sagaId: string, started: StartedSaga<unknown> | undefined, wait: boolean): Promise<RunOutcome | undefined> {
  try {
    const begun = started && runOfStarted(started);
    if (begun) return await begun.run(true);
    const db = await database();
    // Claimed first: while another replica drives it, this run waits for the end (and takes it over if
    // that replica dies: its lease expires).
    const claimed = await claimOrWait(db, sagaId, wait);
    if (claimed !== "claimed") return claimed;
    return await (await loadRun(db, sagaId)).run();
  } catch (error) {
    if (error instanceof SagaVanished) {
      log.warn(`Saga ${sagaId} was removed while running (a reset); stopping here`, { saga_id: sagaId });
      return undefined;
    }
    if (error instanceof LeaseLost) {
      log.warn(`Saga ${sagaId}: this replica lost its lease (it paused past it) and another replica drives the saga now; stopping here`, {
        saga_id: sagaId,
      });
      return undefined;
    }
    if (error instanceof Interrupted) {
      log.info(`Saga ${sagaId} paused for shutdown; the next start resumes it`, { saga_id: sagaId });
      return undefined;
    }
    if (error instanceof UnknownDefinitionVersion) log.error(error.message, { saga_id: sagaId });
    else log.error(`Saga ${sagaId} stopped on an unexpected error: ${describe(error)}`, { saga_id: sagaId });
    throw error;
  }
}

/** A run of a saga as the database has it, under the definition's version it started with. */
async function loadRun(db: Database, sagaId: string): Promise<SagaRun<unknown>> {
  const loaded = await loadSaga(db.read, sagaId);
  if (!loaded) throw new SagaVanished(sagaId);
  const { saga, steps } = loaded;
  const definition = findDefinition(saga.definition, saga.definitionVersion);
  if (!definition) throw await refuseUnknownVersion(db, saga);
  const subject = await definition.load(db.read, saga.subjectId);
  return new SagaRun(
    db,
    saga.id,
    saga.subjectId,
    { status: saga.status, steps, waiting: saga.waiting ?? undefined },
    definition,
    subject,
    parseStoredOptions(saga.options),
  );
}

/** A saga in flight whose definition's version this build does not have: it is not run, and says why. */
export class UnknownDefinitionVersion extends Error {
  override name = "UnknownDefinitionVersion";
}

/**
 * Refuses to run a saga under steps it did not start with: its error says so (GET /sagas/{id}, the
 * timeline), its status and steps stay as they are, and it waits for an operator (a build that still
 * registers its version resumes it). The periodic recovery backs off from it like any failed run.
 */
export async function refuseUnknownVersion(
  db: Database,
  saga: { id: string; definition: string; definitionVersion: string; status: string; error: string | null },
): Promise<UnknownDefinitionVersion> {
  const known = registeredVersions(saga.definition);
  const refusal = new UnknownDefinitionVersion(
    known.length === 0
      ? `Saga ${saga.id} is of the saga definition "${saga.definition}", which this build does not register; ` +
          "it is left as it stands for an operator"
      : `Saga ${saga.id} started under version ${saga.definitionVersion || "(none)"} of the "${saga.definition}" saga, ` +
          `which this build does not have (it has ${known.join(", ")}); ` +
          "it is left as it stands for an operator: resume it with a build that registers that version",
  );
  // Said once in its error (a later try finds it there), and never over the error of a stuck saga, which
  // keeps why it is stuck: an operator's retry of one is answered with the refusal instead.
  if (saga.status !== "compensation_failed" && saga.error !== refusal.message) {
    await db.write((tx) => tx.saga.updateMany({ where: { id: saga.id }, data: { error: refusal.message } })).catch(() => undefined);
  }
  return refusal;
}
