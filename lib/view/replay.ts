/**
 * Rebuilds a saga's state from its event log, the way the browser sees it: the live timeline and the
 * timeline page fold the events a stream delivers into step states, durations and attempts. Pure and
 * client-safe; the engine writes the same transitions to saga_steps, so both always agree.
 */
import type { SagaStatus, StepStatus } from "../saga/status";
import type { SagaOutline } from "./outline";

export interface LogEvent {
  id: number;
  saga_id: string;
  order_id: string;
  position: number | null;
  step: string | null;
  phase: string;
  outcome: string;
  error: string | null;
  created_at: string;
  /**
   * The service's own log line for a completed action or compensation ("Reserved 2 units of product_1").
   * Optional: older servers do not send it, and the other events have none.
   */
  detail?: string | null;
  /** What a service answered the attempt (status, and whether from its record of the key); optional like `detail`. */
  call?: { status: number; replayed: boolean } | null;
}

export interface StepState {
  name: string;
  compensation: string;
  status: StepStatus;
  /**
   * Its action failed: the saga fails here. Its status says so too, unless the action was in doubt
   * (it called a service and gave up without a refusal) and has been undone since (lib/saga/run.ts).
   */
  actionFailed: boolean;
  /** The error its action failed with, kept when its compensation's own errors follow. */
  actionError: string | null;
  error: string | null;
  attempts: number;
  compensationAttempts: number;
  startedAt: string | null;
  finishedAt: string | null;
  compensationStartedAt: string | null;
  compensatedAt: string | null;
}

export interface SagaState {
  status: SagaStatus;
  error: string | null;
  steps: StepState[];
  lastEventId: number;
  startedAt: string | null;
  finishedAt: string | null;
}

export function initialState(outline: SagaOutline): SagaState {
  return {
    status: "pending",
    error: null,
    lastEventId: 0,
    startedAt: null,
    finishedAt: null,
    steps: outline.steps.map((step) => ({
      name: step.name,
      compensation: step.compensation,
      status: "pending",
      actionFailed: false,
      actionError: null,
      error: null,
      attempts: 0,
      compensationAttempts: 0,
      startedAt: null,
      finishedAt: null,
      compensationStartedAt: null,
      compensatedAt: null,
    })),
  };
}

/** Applies one event; events at or before `lastEventId` are ignored, so replays never double-count. */
export function applyEvent(state: SagaState, event: LogEvent): SagaState {
  if (event.id <= state.lastEventId) return state;
  const next: SagaState = { ...state, lastEventId: event.id, steps: state.steps.slice() };
  if (event.phase === "saga") {
    next.status = event.outcome as SagaStatus;
    if (event.error) next.error = event.error;
    if (event.outcome === "processing") next.startedAt ??= event.created_at;
    if (event.outcome === "completed" || event.outcome === "failed" || event.outcome === "compensation_failed")
      next.finishedAt = event.created_at;
    else next.finishedAt = null;
    return next;
  }
  if (event.position === null || !next.steps[event.position]) return next;
  const step = { ...next.steps[event.position] };
  // `retrying` is not a status: the step stays running (or compensating), with the failed attempt's error.
  if (event.outcome === "retrying") {
    step.error = event.error;
    next.steps[event.position] = step;
    return next;
  }
  step.status = event.outcome as StepStatus;
  switch (event.outcome) {
    case "running":
      step.actionFailed = false;
      step.actionError = null;
      step.attempts += 1;
      step.startedAt = event.created_at;
      step.finishedAt = null;
      // Kept from a `retrying` event: the reason this is a further attempt.
      break;
    case "completed":
    case "failed":
      step.actionFailed = event.outcome === "failed";
      step.actionError = step.actionFailed ? event.error : null;
      step.finishedAt = event.created_at;
      step.error = event.error;
      break;
    case "compensating":
      step.compensationAttempts += 1;
      step.compensationStartedAt ??= event.created_at;
      break;
    case "compensated":
      step.compensatedAt = event.created_at;
      break;
    case "compensation_failed":
      step.error = event.error;
      break;
  }
  next.steps[event.position] = step;
  return next;
}

export function replay(outline: SagaOutline, events: readonly LogEvent[]): SagaState {
  return events.reduce(applyEvent, initialState(outline));
}

/** A saga that has ended: nothing more will happen to it (compensation_failed waits for an operator). */
export function isTerminal(status: SagaStatus): boolean {
  return status === "completed" || status === "failed";
}
