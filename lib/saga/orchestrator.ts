/**
 * The saga orchestrator: runs any saga definition, step by step, and compensates in reverse when a step
 * fails. It knows nothing about orders.
 *
 *   pending ──> processing ──(every step completed)──> completed
 *                   │
 *                   └──(a step failed)──> compensating ──(every completed step compensated)──> failed
 *                                              │  ▲
 *                  (a compensation gave up) ───┘  └── operator retry (retrySaga)
 *                                              ▼
 *                                     compensation_failed
 *
 * Write-ahead: each attempt at a step is recorded `running` (or `compensating`) in the database before
 * its action runs, and its outcome commits in one transaction with the action's own writes and its
 * event. Everything needed to continue is therefore in the database, and `runSaga` resumes a saga from
 * any point. Transient failures (TransientError, a timeout, an unexpected error) are retried with
 * exponential backoff and jitter as the step's policy says; business failures (StepFailure) are not.
 */
import { getDb, transaction, type Db } from "../db/sqlite";
import { logger } from "../log";
import { countSaga, startAttempt } from "../metrics";
import { createHash } from "node:crypto";
import { findDefinition, StepFailure, TransientError, type RetryPolicy, type SagaDefinition, type SagaStep } from "./definition";
import { publish } from "./events";
import { parseStoredOptions, scaled, type Fault, type RunOptions } from "./options";
import {
  inFlightSagaIds,
  insertSaga,
  loadSaga,
  markCompensationFinished,
  markRetrying,
  markStepCompensating,
  markStepFinished,
  markStepRunning,
  SagaVanished,
  setSagaStatus,
  type StepRow,
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

/** Exponential backoff with jitter; the jitter comes from the saga, step and attempt, so a run replays the same way. */
export function backoff(policy: RetryPolicy, attempt: number, seed: string): number {
  const base = Math.min(policy.maxBackoffMs, policy.backoffMs * 2 ** (attempt - 1));
  const jitter = createHash("sha256").update(`${seed}:${attempt}`).digest().readUInt16BE(0) / 0xffff;
  return base * (0.5 + jitter / 2);
}

class TimedOut extends TransientError {}

// Injected faults, keyed by attempt number: the same request fails the same way every time.
function injectedActionFault(fault: Fault | undefined, attempt: number): void {
  if (!fault) return;
  if (fault.fail) throw new StepFailure("Injected failure");
  if (attempt <= (fault.transient ?? 0)) throw new TransientError(`Injected transient failure (attempt ${attempt})`);
}

function injectedCompensationFault(fault: Fault | undefined, attempt: number): void {
  if (fault && attempt <= (fault.compensation_failures ?? 0)) {
    throw new TransientError(`Injected compensation failure (attempt ${attempt})`);
  }
}

/**
 * One run of one saga: loads it, then drives it forward and, after a failure, backward. Every method
 * that changes something commits, then tells the live streams.
 */
class SagaRun<Context> {
  private status: SagaStatus;
  private readonly ids: Record<string, string>;

  constructor(
    private readonly sagaId: string,
    private readonly subjectId: string,
    initial: SagaStatus,
    private readonly steps: StepRow[],
    private readonly definition: SagaDefinition<Context>,
    private readonly context: Context,
    private readonly options: RunOptions,
  ) {
    this.status = initial;
    this.ids = { saga_id: sagaId, [`${definition.subject}_id`]: subjectId };
  }

  private commit<T>(fn: (tx: Db) => T): T {
    const result = transaction(fn);
    publish({ type: "event", sagaId: this.sagaId });
    return result;
  }

  /** The saga's status and its subject's, in one transaction; or inside the caller's. */
  private setStatus(next: SagaStatus, error?: string, tx?: Db): void {
    const write = (db: Db) => {
      setSagaStatus(db, this.sagaId, next, error);
      this.definition.onStatus?.(db, this.subjectId, next);
    };
    if (tx) write(tx);
    else this.commit(write);
    this.status = next;
  }

  async run(): Promise<SagaStatus | undefined> {
    if (this.status === "pending") {
      log.info(`Starting saga ${this.sagaId} for ${this.definition.subject} ${this.subjectId}`, this.ids);
      this.setStatus("processing");
      countSaga("started");
    }
    if (this.status === "processing") {
      for (const [position, step] of this.definition.steps.entries()) {
        const row = this.steps[position];
        if (row.status === "completed") continue;
        if (row.status === "failed") {
          // Cannot be left by this engine (a failure and `compensating` commit together); kept for safety.
          this.setStatus("compensating");
          break;
        }
        const outcome = await this.runStep(position, step, row);
        if (outcome === "interrupted") return interrupted(this.sagaId);
        if (outcome === "failed") break;
      }
      if (this.status === "processing") {
        this.setStatus("completed");
        countSaga("completed");
        log.info(`Saga ${this.sagaId} completed successfully`, this.ids);
        return this.status;
      }
    }
    if (this.status === "compensating") {
      for (let position = this.definition.steps.length - 1; position >= 0; position--) {
        const row = this.steps[position];
        if (row.status !== "completed" && row.status !== "compensating" && row.status !== "compensation_failed") continue;
        const outcome = await this.compensateStep(position, this.definition.steps[position], row);
        if (outcome === "interrupted") return interrupted(this.sagaId);
        if (outcome === "stuck") return this.status;
      }
      this.setStatus("failed");
      countSaga("failed");
      log.info(`Saga ${this.sagaId} failed: compensation complete`, this.ids);
    }
    return this.status;
  }

  /** Tries the action once, in a transaction that is rolled back: a business failure then fails before the wait. */
  private dryRun(step: SagaStep<Context>, attempt: number): StepFailure | undefined {
    try {
      transaction((tx) => {
        injectedActionFault(this.options.faults?.[step.name], attempt);
        step.action(tx, this.context);
        throw rollback;
      });
    } catch (error) {
      if (error instanceof StepFailure) return error;
    }
    return undefined;
  }

  private async runStep(position: number, step: SagaStep<Context>, row: StepRow): Promise<"completed" | "failed" | "interrupted"> {
    const fault = this.options.faults?.[step.name];
    for (;;) {
      if (isDraining()) return "interrupted";
      // Metrics count an attempt once its outcome has committed; one cut off by shutdown is not counted.
      const finished = startAttempt("action", step.name);
      const attempt = this.commit((tx) => markStepRunning(tx, this.sagaId, position, step.name));
      row.attempts = attempt;
      log.info(`Executing step ${step.name}${attempt > 1 ? ` (attempt ${attempt})` : ""}`, this.ids);

      // The simulated work: the seed's services fail before it, succeed after it, and a timeout cuts it.
      const delay = scaled(step.durationMs, this.options);
      let failure: unknown = delay > 0 ? this.dryRun(step, attempt) : undefined;
      if (!failure) {
        const hangs = attempt <= (fault?.timeouts ?? 0);
        const limit = Math.max(scaled(step.timeoutMs, this.options), MIN_TIMEOUT_MS);
        if (hangs || delay > limit) {
          await sleep(limit);
          failure = new TimedOut(`Timed out after ${Math.round(limit)} ms`);
        } else {
          await sleep(delay);
        }
      }
      if (isDraining()) return "interrupted";

      // One transaction: the action's writes, the attempt's outcome and its event commit together (and
      // if the saga is gone, recording the outcome throws and the action's writes roll back with it).
      const outcome = this.commit((tx) => {
        let message: string | void = undefined;
        if (!failure) {
          try {
            // A savepoint: a failed action leaves nothing behind, and its failure is recorded instead.
            message = tx.transaction(() => {
              injectedActionFault(fault, attempt);
              return step.action(tx, this.context);
            })();
          } catch (error) {
            failure = error;
          }
        }
        if (!failure) {
          markStepFinished(tx, this.sagaId, position, step.name);
          return { kind: "completed" as const, message };
        }
        const expected = failure instanceof StepFailure || failure instanceof TransientError;
        const reason = expected ? describe(failure) : `Unexpected error: ${describe(failure)}`;
        if (!expected) log.error(`Step ${step.name} raised an unexpected error: ${describe(failure)}`, this.ids);
        if (!(failure instanceof StepFailure) && attempt < step.retry.attempts) {
          markRetrying(tx, this.sagaId, position, step.name, "action", reason);
          return { kind: "retry" as const, message: reason };
        }
        const final = failure instanceof StepFailure ? reason : `${reason} (gave up after ${attempt} attempts)`;
        markStepFinished(tx, this.sagaId, position, step.name, final);
        this.setStatus("compensating", final, tx);
        return { kind: "failed" as const, message: final };
      });
      finished(outcome.kind);

      if (outcome.kind === "completed") {
        row.status = "completed";
        if (outcome.message) services.info(outcome.message, { ...this.ids, step: step.name });
        log.info(`Step ${step.name} completed`, this.ids);
        return "completed";
      }
      if (outcome.kind === "failed") {
        row.status = "failed";
        log.info(`Step ${step.name} failed: ${outcome.message}`, this.ids);
        log.info(`Saga ${this.sagaId} compensating: running compensations in reverse order`, this.ids);
        return "failed";
      }
      const wait = scaled(backoff(step.retry, attempt, `${this.sagaId}:${position}`), this.options);
      log.warn(`Step ${step.name} attempt ${attempt} failed (${outcome.message}); retrying in ${Math.round(wait)} ms`, this.ids);
      await sleep(wait);
    }
  }

  private async compensateStep(position: number, step: SagaStep<Context>, row: StepRow): Promise<"compensated" | "stuck" | "interrupted"> {
    const fault = this.options.faults?.[step.name];
    // Each run (a resume, an operator's retry) gets the policy's full number of attempts.
    const limit = row.compensationAttempts + step.compensationRetry.attempts;
    for (;;) {
      if (isDraining()) return "interrupted";
      const finished = startAttempt("compensation", step.name);
      const attempt = this.commit((tx) => markStepCompensating(tx, this.sagaId, position, step.name));
      row.status = "compensating";
      row.compensationAttempts = attempt;
      log.info(`Compensating step ${step.name} (${step.compensation})${attempt > 1 ? ` (attempt ${attempt})` : ""}`, this.ids);
      await sleep(scaled(step.durationMs, this.options));
      if (isDraining()) return "interrupted";

      const outcome = this.commit((tx) => {
        try {
          const message = tx.transaction(() => {
            injectedCompensationFault(fault, attempt);
            return step.compensate(tx, this.context);
          })();
          markCompensationFinished(tx, this.sagaId, position, step.name);
          return { kind: "compensated" as const, message };
        } catch (error) {
          const reason = describe(error);
          if (attempt < limit) {
            markRetrying(tx, this.sagaId, position, step.name, "compensation", reason);
            return { kind: "retry" as const, message: reason };
          }
          const final = `${step.compensation} failed: ${reason} (gave up after ${attempt} attempts)`;
          markCompensationFinished(tx, this.sagaId, position, step.name, final);
          this.setStatus("compensation_failed", final, tx);
          return { kind: "stuck" as const, message: final };
        }
      });
      finished(outcome.kind);

      if (outcome.kind === "compensated") {
        row.status = "compensated";
        if (outcome.message) services.info(outcome.message, { ...this.ids, step: step.compensation });
        return "compensated";
      }
      if (outcome.kind === "stuck") {
        row.status = "compensation_failed";
        countSaga("stuck");
        log.error(`Saga ${this.sagaId} needs an operator: ${outcome.message}`, this.ids);
        return "stuck";
      }
      const wait = scaled(backoff(step.compensationRetry, attempt, `${this.sagaId}:${position}:undo`), this.options);
      log.warn(`Compensation ${step.compensation} attempt ${attempt} failed (${outcome.message}); retrying in ${Math.round(wait)} ms`, this.ids);
      await sleep(wait);
    }
  }
}

// A timeout shorter than this would fire before any real work could finish (e.g. with delays off).
const MIN_TIMEOUT_MS = 20;
const rollback = new Error("dry run");

async function advance(sagaId: string): Promise<SagaStatus | undefined> {
  const db = getDb();
  const loaded = loadSaga(db, sagaId);
  if (!loaded) throw new SagaVanished(sagaId);
  const { saga, steps } = loaded;
  const definition = findDefinition(saga.definition);
  if (!definition) throw new Error(`Unknown saga definition "${saga.definition}"`);
  const context = definition.load(db, saga.subjectId);
  return new SagaRun(saga.id, saga.subjectId, saga.status, steps, definition, context, parseStoredOptions(saga.options)).run();
}

/**
 * An operator's retry of a saga stuck in compensation_failed: back to compensating, and on with the
 * compensations, each with a fresh round of attempts. Resolves with the saga's new status, or
 * undefined when there is no such saga; a saga that is not stuck is left alone.
 */
export async function retrySaga(sagaId: string): Promise<SagaStatus | undefined> {
  const db = getDb();
  const loaded = loadSaga(db, sagaId);
  if (!loaded) return undefined;
  if (loaded.saga.status !== "compensation_failed") return loaded.saga.status;
  const definition = findDefinition(loaded.saga.definition);
  transaction((tx) => {
    setSagaStatus(tx, sagaId, "compensating");
    definition?.onStatus?.(tx, loaded.saga.subjectId, "compensating");
  });
  publish({ type: "event", sagaId });
  log.info(`Saga ${sagaId}: an operator retries its compensation`, { saga_id: sagaId });
  return runSaga(sagaId);
}
