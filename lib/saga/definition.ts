/**
 * What a saga is made of: an ordered list of steps, each an action and the compensation that undoes it.
 *
 * A step does its work in up to three parts, each optional, run in this order on every attempt:
 *
 *   check(read, ctx)   a quick look at committed data, before any slow work: a business failure it
 *                      finds fails the step at once (as the seed's services check before they work).
 *                      It runs only when work or a call follows, so `action` must not rely on it.
 *   call(ctx)          a remote service, outside any transaction: gets an idempotency key that is the
 *                      same on every attempt and resume, and an AbortSignal that fires at the timeout;
 *                      what it answers is recorded with the step's outcome
 *   action(tx, ctx)    local writes, in the transaction that records the step's outcome and its event:
 *                      they commit together or not at all
 *
 * and `compensateCall` / `compensate` likewise undo it. Every part must be idempotent: a resumed saga may
 * run an attempt again (a remote service recognises the repeat by its key; a local write finds its row).
 */
import type { PrismaClient } from "../generated/prisma/client";
import type { Tx } from "../db/client";
import type { SagaStatus } from "./status";

/**
 * A business failure of a step (insufficient funds, say): the step is marked failed with this message
 * and the saga compensates. It is never retried.
 */
export class StepFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StepFailure";
  }
}

/**
 * A failure that may pass (a timeout, a flaky service, a database briefly not writable): the attempt is
 * retried with backoff, as the step's retry policy allows, before the step is given up as failed.
 */
export class TransientError extends Error {
  /**
   * How long, at least, to wait before trying again, in real time, when the failure says (a service's
   * circuit breaker that is open): the retry waits for it, whatever the step's backoff.
   */
  retryAfterMs?: number;
  /**
   * True when the request surely had no effect at the service: it never reached it (the connection was
   * refused, its circuit breaker was open) or the service answered that it did nothing (a 503). Otherwise
   * (a timeout, a dropped connection, a lost answer) it may have: see SagaRun's "in doubt".
   */
  undelivered?: boolean;

  constructor(message: string) {
    super(message);
    this.name = "TransientError";
  }
}

/** Whether a failure says the request surely had no effect at its service (TransientError.undelivered). */
export function wasUndelivered(error: unknown): boolean {
  return isTransient(error) && (error as TransientError).undelivered === true;
}

/** The wait a transient failure asks for (TransientError.retryAfterMs), from whichever copy of the class; 0 if none. */
export function retryAfterMs(error: unknown): number {
  const wait = isTransient(error) ? (error as TransientError).retryAfterMs : undefined;
  return typeof wait === "number" && wait > 0 ? wait : 0;
}

// By name, not instanceof: Next.js bundles start-up (which resumes sagas) and each route apart, each with
// its own copy of these classes, and a definition registered by one may be run by the other.

/** Whether a step's error is a business failure (StepFailure, from whichever copy of this module). */
export function isStepFailure(error: unknown): boolean {
  return error instanceof Error && error.name === "StepFailure";
}

/** Whether a step's error is one that may pass (TransientError or a kind of it, from whichever copy). */
export function isTransient(error: unknown): boolean {
  return error instanceof Error && error.name === "TransientError";
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

/** What a remote service answered, as it is recorded: JSON. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** What the engine hands every part of a step. */
export interface StepContext<Subject> {
  /** What the saga is about (the order), as the definition's `load` read it. */
  subject: Subject;
  sagaId: string;
  /**
   * The same for this step's action on every attempt, retry and resume (and another, also stable, for
   * its compensation): send it to a remote service so that it recognises a repeat.
   */
  idempotencyKey: string;
  /** 1 for the first attempt of this run of the action (or compensation). */
  attempt: number;
  /** Fires at the step's timeout, or when the process shuts down: pass it on, and a timeout really cancels. */
  signal: AbortSignal;
  /** For `action`: what `call` answered on this attempt. For the compensation: what the action's `call` answered. */
  answer?: Json;
  /** For `compensate`: what `compensateCall` answered on this attempt. */
  undoAnswer?: Json;
  /** For `call` and `compensateCall`: what the request's faults (RunOptions.faults) stage at the boundary on this attempt. */
  staged?: StagedFaults;
  /**
   * For `call` and `compensateCall`: tell the engine what the service answered (its HTTP status, and
   * whether it answered from its record of the key), to record on the attempt's outcome event.
   */
  heard?(answer: Heard): void;
}

/** What a service answered an attempt's call, as the event log records it. */
export interface Heard {
  status: number;
  replayed: boolean;
}

/** Failures at a service's boundary, staged on purpose for one call (lib/services/client.ts plays them). */
export interface StagedFaults {
  /** The service does the work, and its answer is lost on the way back. */
  loseAnswer?: boolean;
  /** The service is down: it answers 503 and does nothing. */
  unavailable?: boolean;
  /** The service is slow: it answers only after the caller gives up, and then does nothing. */
  slow?: boolean;
  /** The request is delivered twice at once. */
  duplicate?: boolean;
}

/** Reads outside any transaction (committed data only), for `check`. */
export type Reader = PrismaClient;

/** The log line that says what a part did ("Reserved 2 units of product_1"), if it did anything. */
export type LogLine = string | void | undefined;

export interface SagaStep<Subject> {
  name: string;
  /** The name of the compensating action, e.g. `release_inventory`. */
  compensation: string;
  /** The service that does the step, as diagrams name it ("Inventory"); steps of one service share it. */
  service?: string;
  /** For a step that calls a service: the requests its `call` and `compensateCall` send, as diagrams draw them. */
  endpoint?: { action: string; compensation: string };
  /** Simulated work before the step answers, scaled by SAGA_DELAY_SCALE (its compensation takes as long). */
  durationMs: number;
  /**
   * An attempt whose work takes longer than this times out (a transient failure): the AbortSignal fires.
   * Scaled like durationMs for a simulated step; in real time for a step with a remote call.
   */
  timeoutMs: number;
  /** Retries of the action after transient failures; business failures (StepFailure) are never retried. */
  retry: RetryPolicy;
  /** Retries of the compensation; when they run out the saga stops in `compensation_failed`. */
  compensationRetry: RetryPolicy;
  check?(read: Reader, ctx: StepContext<Subject>): Promise<void>;
  call?(ctx: StepContext<Subject>): Promise<Json | undefined>;
  action?(tx: Tx, ctx: StepContext<Subject>): Promise<LogLine>;
  compensateCall?(ctx: StepContext<Subject>): Promise<Json | undefined>;
  compensate?(tx: Tx, ctx: StepContext<Subject>): Promise<LogLine>;
}

/** A saga definition: an ordered list of steps and how to load the subject they act on. */
export interface SagaDefinition<Subject> {
  name: string;
  /** What the saga is about: the subject type stored with each saga ("order"), and the word for log lines. */
  subject: string;
  steps: readonly SagaStep<Subject>[];
  /** Reads the subject the steps act on (committed data); runs at the start of every run or resume. */
  load(read: Reader, subjectId: string): Promise<Subject>;
  /** Keeps the subject's own status in step with the saga's, in the same transaction. */
  onStatus?(tx: Tx, subjectId: string, status: SagaStatus): Promise<void>;
}

/** Checks a definition once, when it is registered: a mistake here would otherwise show mid-saga. */
export function validateDefinition(definition: SagaDefinition<unknown>): void {
  // A saga moves pending -> processing as its first step begins (lib/saga/status.ts): with none, it could not.
  if (definition.steps.length === 0) throw new Error(`Saga "${definition.name}" has no steps`);
  const names = new Set<string>();
  for (const step of definition.steps) {
    if (names.has(step.name)) throw new Error(`Saga "${definition.name}" has two steps named "${step.name}"`);
    names.add(step.name);
    if (!step.call && !step.action && !step.check) throw new Error(`Step "${step.name}" of saga "${definition.name}" does nothing`);
    if (step.retry.attempts < 1 || step.compensationRetry.attempts < 1) {
      throw new Error(`Step "${step.name}" of saga "${definition.name}" needs at least one attempt`);
    }
  }
}
