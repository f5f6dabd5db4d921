/**
 * What a saga does next, and how its two phases differ. Pure: no database, no clock.
 *
 * A saga moves forward through its steps' actions, and after a failure backward through their
 * compensations; `nextMove` reads which from its status and its steps' statuses, as committed. The
 * action and the compensation of a step are run by the same code (lib/saga/run.ts): `phases` holds what
 * differs between them.
 */
import type { Json, LogLine, RetryPolicy, SagaStep, StepContext } from "./definition";
import type { SagaStatus, StepStatus } from "./status";
import type { StepRow } from "./store";
import type { StepResult, Transition } from "./transition";
import type { Tx } from "../db/client";

export type Phase = "action" | "compensation";

/** A step's action or compensation to attempt, a status for the saga to take, or nothing: it has ended. */
export type Move = { kind: Phase; position: number } | { kind: "compensating" | "completed" | "failed" } | { kind: "none" };

export function isStepMove(move: Move): move is { kind: Phase; position: number } {
  return move.kind === "action" || move.kind === "compensation";
}

// The steps a compensating saga still has to undo: done, being undone (or due to be: an action that
// called a service and gave up may have taken effect there, see Transition.dueForUndo), or whose
// undoing gave up.
const toUndo: readonly StepStatus[] = ["completed", "compensating", "compensation_failed"];

/** What the saga does next, from its status and its steps' statuses. */
export function nextMove(status: SagaStatus, steps: readonly Pick<StepRow, "status">[]): Move {
  if (status === "pending" || status === "processing") {
    const position = steps.findIndex((row) => row.status !== "completed");
    if (position < 0) return { kind: "completed" };
    // A failed step while processing cannot be left by this engine (a failure and `compensating`
    // commit together); kept so that such a saga still ends.
    if (steps[position].status === "failed") return { kind: "compensating" };
    return { kind: "action", position };
  }
  if (status === "compensating") {
    const position = steps.findLastIndex((row) => toUndo.includes(row.status));
    return position < 0 ? { kind: "failed" } : { kind: "compensation", position };
  }
  return { kind: "none" };
}

/** What differs between a step's action and its compensation, for the run that attempts either. */
export interface PhaseRules {
  /** The name it goes by in the log and the metrics: the step's, or its compensation's. */
  name(step: SagaStep<unknown>): string;
  /** How a log line or an error names it: "Step reserve_inventory", "Compensation release_inventory". */
  title(step: SagaStep<unknown>): string;
  /** The part that runs outside any transaction (a remote service), if any. */
  call<S>(step: SagaStep<S>): ((ctx: StepContext<S>) => Promise<Json | undefined>) | undefined;
  /** The local writes, in the transaction that records the outcome, if any. */
  local<S>(step: SagaStep<S>): ((tx: Tx, ctx: StepContext<S>) => Promise<LogLine>) | undefined;
  retry(step: SagaStep<unknown>): RetryPolicy;
  /** Attempts so far, over every run, as the step's row counts them. */
  attempts(row: StepRow): number;
  /** Write-ahead record of an attempt. */
  begin(t: Transition, position: number, attempt: number): void;
  /** The outcome: done, or (with `error`) given up. */
  finish(t: Transition, position: number, result: StepResult): void;
  /** How a successful attempt is counted in the metrics. */
  done: "completed" | "compensated";
  /** The saga's status when an attempt gives up. */
  gaveUp: "compensating" | "compensation_failed";
  /** Told to the backoff's jitter, so that an action and its compensation wait differently. */
  seed: string;
}

export const phases: Record<Phase, PhaseRules> = {
  action: {
    name: (step) => step.name,
    title: (step) => `Step ${step.name}`,
    call: (step) => step.call,
    local: (step) => step.action,
    retry: (step) => step.retry,
    attempts: (row) => row.attempts,
    begin: (t, position, attempt) => t.stepRunning(position, attempt),
    finish: (t, position, result) => t.stepFinished(position, result),
    done: "completed",
    gaveUp: "compensating",
    seed: "",
  },
  compensation: {
    name: (step) => step.compensation,
    title: (step) => `Compensation ${step.compensation}`,
    call: (step) => step.compensateCall,
    local: (step) => step.compensate,
    retry: (step) => step.compensationRetry,
    attempts: (row) => row.compensationAttempts,
    begin: (t, position, attempt) => t.stepCompensating(position, attempt),
    finish: (t, position, result) => t.compensationFinished(position, result),
    done: "compensated",
    gaveUp: "compensation_failed",
    seed: ":undo",
  },
};
