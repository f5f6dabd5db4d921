import type { Db } from "../db/sqlite";
import type { SagaStatus } from "./status";

/**
 * A business failure of a step (insufficient funds, say): the step is marked failed with this message
 * and the saga compensates. Any other error thrown by an action is a fault of the code or the database.
 */
export class StepFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StepFailure";
  }
}

/**
 * A failure that may pass (a timeout, a flaky service): the attempt is retried with backoff, as the
 * step's retry policy allows, before the step is given up as failed.
 */
export class TransientError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TransientError";
  }
}

/** How often, and how patiently, a failed attempt is retried: exponential backoff with jitter. */
export interface RetryPolicy {
  /** Attempts in all, the first included. */
  attempts: number;
  /** Wait before the second attempt; it doubles with each further one, up to `maxBackoffMs`. */
  backoffMs: number;
  maxBackoffMs: number;
}

export const defaultRetry: RetryPolicy = { attempts: 3, backoffMs: 100, maxBackoffMs: 2_000 };

/**
 * One step of a saga. `action` and `compensate` run inside the transaction that records their outcome,
 * so a step's own writes, its status and its event commit together or not at all; both must be
 * idempotent (a resumed saga may run them again). They return the log line that describes what they did.
 */
export interface SagaStep<Context> {
  name: string;
  /** The name of the compensating action, e.g. `release_inventory`. */
  compensation: string;
  /** Simulated work before the step answers, scaled by SAGA_DELAY_SCALE (its compensation takes as long). */
  durationMs: number;
  /** An attempt whose work takes longer than this times out (a transient failure), scaled like durationMs. */
  timeoutMs: number;
  /** Retries of the action after transient failures; business failures (StepFailure) are never retried. */
  retry: RetryPolicy;
  /** Retries of the compensation; when they run out the saga stops in `compensation_failed`. */
  compensationRetry: RetryPolicy;
  action(db: Db, context: Context): string | void;
  compensate(db: Db, context: Context): string | void;
}

/** A saga definition: an ordered list of steps and how to load the subject they act on. */
export interface SagaDefinition<Context> {
  name: string;
  /** What the saga is about, for log lines: "order". */
  subject: string;
  steps: readonly SagaStep<Context>[];
  /** Reads the subject (the order) the steps act on; runs at the start of every run or resume. */
  load(db: Db, subjectId: string): Context;
  /** Keeps the subject's own status in step with the saga's, in the same transaction. */
  onStatus?(db: Db, subjectId: string, status: SagaStatus): void;
}

// Definitions are registered by name so that a saga found in the database can be resumed after a restart.
const registry = new Map<string, SagaDefinition<unknown>>();

export function defineSaga<Context>(definition: SagaDefinition<Context>): SagaDefinition<Context> {
  registry.set(definition.name, definition as SagaDefinition<unknown>);
  return definition;
}

export function findDefinition(name: string): SagaDefinition<unknown> | undefined {
  return registry.get(name);
}
