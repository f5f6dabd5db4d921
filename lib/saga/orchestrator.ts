/**
 * The saga orchestrator: runs any saga definition, step by step, and compensates in reverse when a step
 * fails. It knows nothing about orders.
 *
 *   pending ──> processing ──(every step completed)──> completed
 *                   │
 *                   └──(a step failed)──> compensating ──(every completed step compensated)──> failed
 *
 * Write-ahead: a step is recorded `running` (or `compensating`) in the database before its action runs,
 * and its outcome commits in one transaction with the action's own writes and its event. Everything
 * needed to continue is therefore in the database, and `runSaga` resumes a saga from any point.
 */
import { getDb, transaction, type Db } from "../db/sqlite";
import { logger } from "../log";
import { findDefinition, StepFailure, type SagaDefinition } from "./definition";
import { publish } from "./events";
import { parseStoredOptions, stepDelay, type RunOptions } from "./options";
import {
  inFlightSagaIds,
  insertSaga,
  loadSaga,
  markStepCompensation,
  markStepFinished,
  markStepRunning,
  SagaVanished,
  setSagaStatus,
} from "./store";
import type { SagaStatus } from "./status";

const log = logger("orchestrator");
// What a step's action or compensation did, under the seed's logger name for its services.
const services = logger("services");

// Process-wide state lives on globalThis: Next.js bundles instrumentation.ts and the route handlers
// separately, each with its own copy of this module, and both must see the same runs and shutdown.
const globalForRuns = globalThis as unknown as {
  sagaStudioRuns?: { runs: Map<string, Promise<SagaStatus | undefined>>; shutdown: AbortController };
};
const { runs, shutdown } = (globalForRuns.sagaStudioRuns ??= { runs: new Map(), shutdown: new AbortController() });

// Shutdown (SIGTERM): no new saga starts, and running ones stop at their next persisted point; the
// next start resumes them from the database.

export function isDraining(): boolean {
  return shutdown.signal.aborted;
}

/** Stops every run at its next persisted point and resolves when all have stopped. */
export async function drain(): Promise<void> {
  shutdown.abort();
  await settleRunningSagas();
}

/** Waits, unless the process is shutting down: then it returns at once and the run stops. */
function sleep(ms: number): Promise<void> {
  if (ms <= 0 || shutdown.signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      shutdown.signal.removeEventListener("abort", done);
      resolve();
    }
    shutdown.signal.addEventListener("abort", done);
  });
}

/**
 * Records a new saga and its steps as pending, inside the caller's transaction (with its subject);
 * call `publish` for it once that transaction has committed.
 */
export function createSaga<Context>(
  db: Db,
  definition: SagaDefinition<Context>,
  sagaId: string,
  subjectId: string,
  options: RunOptions = {},
): void {
  insertSaga(db, { id: sagaId, definition: definition.name, subjectId, options: JSON.stringify(options) }, definition.steps);
}

// One run per saga in this process (`runs`): a resume and a request never drive the same saga twice at once.

/** Runs (or resumes) a saga until it is completed or failed; resolves with its final status. */
export function runSaga(sagaId: string): Promise<SagaStatus | undefined> {
  let run = runs.get(sagaId);
  if (!run) {
    run = drive(sagaId).finally(() => runs.delete(sagaId));
    runs.set(sagaId, run);
  }
  return run;
}

/** Resumes every saga that a previous process left in flight. */
export function resumeInFlightSagas(): Promise<(SagaStatus | undefined)[]> {
  const ids = inFlightSagaIds(getDb());
  if (ids.length > 0) log.info(`Resuming ${ids.length} saga(s) left in flight`);
  return Promise.all(ids.map(runSaga));
}

/** Resolves when every saga this process is running has reached a persisted end (for shutdown and tests). */
export async function settleRunningSagas(): Promise<void> {
  while (runs.size > 0) await Promise.allSettled([...runs.values()]);
}

async function drive(sagaId: string): Promise<SagaStatus | undefined> {
  try {
    return await advance(sagaId);
  } catch (error) {
    if (error instanceof SagaVanished) {
      log.warn(`Saga ${sagaId} was removed while running (reset); stopping it`, { saga_id: sagaId });
      return undefined;
    }
    log.error(`Saga ${sagaId} stopped on an unexpected error: ${describe(error)}`, { saga_id: sagaId });
    throw error;
  }
}

/** A run stopped by shutdown: its saga stays in flight in the database, for the next start to resume. */
function interrupted(sagaId: string): undefined {
  log.info(`Saga ${sagaId} paused for shutdown; the next start resumes it`, { saga_id: sagaId });
  return undefined;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function advance(sagaId: string): Promise<SagaStatus | undefined> {
  const db = getDb();
  const loaded = loadSaga(db, sagaId);
  if (!loaded) throw new SagaVanished(sagaId);
  const { saga, steps } = loaded;
  const definition = findDefinition(saga.definition);
  if (!definition) throw new Error(`Unknown saga definition "${saga.definition}"`);
  const context = definition.load(db, saga.subjectId);
  const ids = { saga_id: saga.id, [`${definition.subject}_id`]: saga.subjectId };
  const options = parseStoredOptions(saga.options);
  let status = saga.status;

  // Every transition commits, then tells the live streams that the log has grown.
  const commit = <T>(fn: (tx: Db) => T): T => {
    const result = transaction(fn);
    publish({ type: "event", sagaId: saga.id });
    return result;
  };
  const setStatus = (next: SagaStatus) => {
    commit((tx) => {
      setSagaStatus(tx, saga.id, next);
      definition.onStatus?.(tx, saga.subjectId, next);
    });
    status = next;
  };

  if (status === "pending") {
    log.info(`Starting saga ${saga.id} for ${definition.subject} ${saga.subjectId}`, ids);
    setStatus("processing");
  }

  if (status === "processing") {
    for (const [position, step] of definition.steps.entries()) {
      const row = steps[position];
      if (row.status === "completed") continue;
      if (row.status === "failed") {
        // Cannot be left by this engine (a failure and `compensating` commit together); kept for safety.
        setStatus("compensating");
        break;
      }
      if (isDraining()) return interrupted(saga.id);
      commit((tx) => markStepRunning(tx, saga.id, position, step.name));
      log.info(`Executing step ${step.name}`, ids);
      await sleep(stepDelay(step.durationMs, options));
      if (isDraining()) return interrupted(saga.id);
      // One transaction: the action's writes, the step's outcome and its event commit together (and if
      // the saga is gone, recording the outcome throws and the action's writes roll back with it).
      const outcome = commit((tx) => {
        let message: string | void;
        try {
          // A savepoint: a failed action leaves nothing behind, and its failure is recorded instead.
          message = tx.transaction(() => step.action(tx, context))();
        } catch (error) {
          if (!(error instanceof StepFailure)) {
            log.error(`Step ${step.name} raised an unexpected error: ${describe(error)}`, ids);
          }
          const reason = error instanceof StepFailure ? error.message : `Unexpected error: ${describe(error)}`;
          markStepFinished(tx, saga.id, position, step.name, reason);
          setSagaStatus(tx, saga.id, "compensating", reason);
          definition.onStatus?.(tx, saga.subjectId, "compensating");
          row.status = "failed";
          return { ok: false as const, message: reason };
        }
        markStepFinished(tx, saga.id, position, step.name);
        row.status = "completed";
        return { ok: true as const, message };
      });
      if (!outcome.ok) {
        status = "compensating";
        log.info(`Step ${step.name} failed: ${outcome.message}`, ids);
        log.info(`Saga ${saga.id} compensating: running compensations in reverse order`, ids);
        break;
      }
      if (outcome.message) services.info(outcome.message, { ...ids, step: step.name });
      log.info(`Step ${step.name} completed`, ids);
    }
    if (status === "processing") {
      setStatus("completed");
      log.info(`Saga ${saga.id} completed successfully`, ids);
      return status;
    }
  }

  if (status === "compensating") {
    for (let position = definition.steps.length - 1; position >= 0; position--) {
      const step = definition.steps[position];
      const row = steps[position];
      if (row.status !== "completed" && row.status !== "compensating") continue;
      if (isDraining()) return interrupted(saga.id);
      commit((tx) => markStepCompensation(tx, saga.id, position, step.name, "compensating"));
      log.info(`Compensating step ${step.name} (${step.compensation})`, ids);
      await sleep(stepDelay(step.durationMs, options));
      if (isDraining()) return interrupted(saga.id);
      const message = commit((tx) => {
        markStepCompensation(tx, saga.id, position, step.name, "compensated");
        return step.compensate(tx, context);
      });
      row.status = "compensated";
      if (message) services.info(message, { ...ids, step: step.compensation });
    }
    setStatus("failed");
    log.info(`Saga ${saga.id} failed: compensation complete`, ids);
  }
  return status;
}
