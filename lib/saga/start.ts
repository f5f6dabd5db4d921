/**
 * Starting sagas: each is recorded in the caller's transaction, beside the subject it is about, so that
 * a saga and what it is about commit together. Its first move is begun there too, and the moves with
 * nothing to wait for run in it (lib/saga/run.ts): with the delays off, a saga of local steps costs this
 * one transaction in all. `runSaga` (lib/saga/runs.ts) then drives each started saga on from there.
 */
import { database, type Database, type Tx } from "../db/client";
import type { SagaDefinition } from "./definition";
import type { RunOptions } from "./options";
import { retryDatabaseFault } from "./policy";
import { definitionVersion } from "./registry";
import { SagaRun } from "./run";
import { chainingUntilUnbroken } from "./chain";
import type { SagaStatus } from "./status";
import { newStepRows, type StepRow } from "./store";
import { Transition } from "./transition";

/** A saga to start: its id, its definition, and what it is about. */
export interface NewSaga<Subject> {
  id: string;
  definition: SagaDefinition<Subject>;
  subjectId: string;
  subject: Subject;
  /** Whose saga it is: lists and live feeds filter by it (default: none). */
  scope?: string;
  options: RunOptions;
}

/** A saga `startSaga` recorded: what `runSaga` needs to drive it without reading it back. */
export interface StartedSaga<Subject> extends NewSaga<Subject> {
  /** Its status as recorded (the subject's too): `processing`, or already its end when every step ran. */
  status: SagaStatus;
  steps: StepRow[];
}

/** Starts a saga inside the transaction of `recordSagas`, after the caller recorded its subject. */
export type StartSaga = <Subject>(saga: NewSaga<Subject>) => Promise<StartedSaga<Subject>>;

// Each started saga's run, to go on from where its start left it (the engine's own, not the caller's).
const startedRuns = new WeakMap<StartedSaga<unknown>, SagaRun<unknown>>();

/** The run that started `saga` in this process, to drive it on without reading it back. */
export function runOfStarted(saga: StartedSaga<unknown>): SagaRun<unknown> | undefined {
  return startedRuns.get(saga);
}

// How many times recordSagas tries a transaction the database refused, before the caller hears of it.
const RECORD_TRIES = 3;

/**
 * Runs `record` as one transaction in which it records its subjects and starts their sagas with
 * `start`. The caller records a subject first, with the status `initialStatus` names (its writes are
 * there for the steps to use; `onStatus` follows every change after that). When a step chained into the
 * transaction throws, it rolls back and `record` runs again, the chain stopping before that step; a fault
 * of the database is tried again a few times (retryDatabaseFault). So `record` may run more than once: it
 * must do nothing but database work.
 */
export async function recordSagas<T>(record: (tx: Tx, start: StartSaga) => Promise<T>): Promise<T> {
  const db = await database();
  return retryDatabaseFault(
    () => chainingUntilUnbroken((limit) => db.write((tx) => record(tx, (saga) => recordOne(db, tx, saga, limit)))),
    { tries: RECORD_TRIES },
  );
}

/** Records a saga about nothing the caller writes (the engine's tests), in a transaction of its own. */
export function startSaga<Subject>(saga: NewSaga<Subject>): Promise<StartedSaga<Subject>> {
  return recordSagas((_tx, start) => start(saga));
}

/**
 * The status a saga of `definition` is recorded with: its subject is recorded with it too. Step by step,
 * it is pending: it waits before its first step.
 */
export function initialStatus(definition: SagaDefinition<unknown>, options: RunOptions = {}): SagaStatus {
  return options.step_by_step ? "pending" : "processing";
}

/** Inside recordSagas's transaction: one saga recorded, its first move begun and at most `limit` chained moves run. */
async function recordOne<Subject>(db: Database, tx: Tx, saga: NewSaga<Subject>, limit: number): Promise<StartedSaga<Subject>> {
  const { definition } = saga;
  const steps = newStepRows(definition.steps);
  const transition = Transition.creating(
    tx,
    {
      id: saga.id,
      definition: definition.name,
      definitionVersion: definitionVersion(definition),
      subjectType: definition.subject,
      subjectId: saga.subjectId,
      scope: saga.scope ?? "",
      options: JSON.stringify(saga.options),
    },
    steps,
    definition.steps.map((step) => step.compensation),
  );
  const run = new SagaRun(db, saga.id, saga.subjectId, { status: "pending", steps }, definition, saga.subject, saga.options);
  await run.start(transition, limit);
  await transition.save();
  const started: StartedSaga<Subject> = { ...saga, status: run.status, steps: steps.map((row) => ({ ...row })) };
  startedRuns.set(started, run as SagaRun<unknown>);
  return started;
}
