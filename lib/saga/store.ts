/**
 * The engine's own tables (sagas, saga_steps, saga_events), through Prisma Client's model API: the rows
 * as the engine knows them, and its reads. Every change the engine makes happens inside a transaction
 * given by `write` (lib/db/client.ts), through a Transition (lib/saga/transition.ts).
 */
import type { Tx } from "../db/client";
import type { Reader } from "./definition";
import type { EventPhase, SagaStatus, StepStatus } from "./status";
import { inFlightSagaStatuses } from "./status";

export interface SagaRow extends NewSagaRow {
  status: SagaStatus;
  /** Why it failed, is stuck, or is not run (its error as GET /sagas/{id} shows it). */
  error: string | null;
  /** What a step-by-step saga waits before, if it is waiting. */
  waiting: Waiting | null;
}

/**
 * A step-by-step pause: the saga waits before `before` (a step's name, its action or compensation as
 * `phase` says, or with the phase `saga` the status it moves to) from `since` until an operator
 * continues it, or until `until`, when it goes on by itself. A continue moves `until` back to `since`.
 */
export interface Waiting {
  before: string;
  phase: EventPhase;
  since: Date;
  until: Date;
}

/** The saga row's columns of a pause (all null: not waiting). */
export function waitingColumns(waiting: Waiting | null) {
  return {
    waitingBefore: waiting?.before ?? null,
    waitingPhase: waiting?.phase ?? null,
    waitingSince: waiting?.since ?? null,
    waitingUntil: waiting?.until ?? null,
  };
}

/** A pause from the saga row's columns, or null. */
export function waitingOf(row: {
  waitingBefore: string | null;
  waitingPhase: string | null;
  waitingSince: Date | null;
  waitingUntil: Date | null;
}): Waiting | null {
  const { waitingBefore: before, waitingPhase: phase, waitingSince: since, waitingUntil: until } = row;
  return before !== null && phase !== null && since !== null && until !== null
    ? { before, phase: phase as EventPhase, since, until }
    : null;
}

/** What a new saga's row says of it, besides its progress. */
export interface NewSagaRow {
  id: string;
  definition: string;
  definitionVersion: string;
  subjectType: string;
  subjectId: string;
  /** Whose saga it is (for the order saga: its demo world); lists and live feeds filter by it. */
  scope: string;
  /** JSON of RunOptions */
  options: string;
}

/** A step as a run knows it: what the database says, kept in step by every Transition. */
export interface StepRow {
  position: number;
  name: string;
  status: StepStatus;
  attempts: number;
  compensationAttempts: number;
  error: string | null;
  /** What the action's remote call answered (JSON text), if it made one. */
  output: string | null;
}

/** Thrown when a saga's rows are gone mid-run (POST /reset wiped them): the run stops quietly, writing nothing. */
export class SagaVanished extends Error {
  constructor(sagaId: string) {
    super(`Saga ${sagaId} no longer exists`);
    this.name = "SagaVanished";
  }
}

/**
 * Thrown when another process holds a saga's lease now (this one paused past it, and a replica took the
 * saga over), or, for a transition that takes it over, when the saga is no longer as it expected: the
 * run stops at once, writing nothing.
 */
export class LeaseLost extends Error {
  constructor(sagaId: string) {
    super(`Saga ${sagaId}: another process holds its lease now`);
    this.name = "LeaseLost";
  }
}

/** The rows of a new saga's steps: all pending, never attempted. */
export function newStepRows(steps: readonly { name: string }[]): StepRow[] {
  return steps.map((step, position) => ({
    position,
    name: step.name,
    status: "pending",
    attempts: 0,
    compensationAttempts: 0,
    error: null,
    output: null,
  }));
}

export async function loadSaga(read: Reader, sagaId: string): Promise<{ saga: SagaRow; steps: StepRow[] } | undefined> {
  const saga = await read.saga.findUnique({
    where: { id: sagaId },
    select: {
      id: true,
      definition: true,
      definitionVersion: true,
      subjectType: true,
      subjectId: true,
      scope: true,
      status: true,
      error: true,
      options: true,
      waitingBefore: true,
      waitingPhase: true,
      waitingSince: true,
      waitingUntil: true,
      steps: {
        orderBy: { position: "asc" },
        select: { position: true, name: true, status: true, attempts: true, compensationAttempts: true, error: true, output: true },
      },
    },
  });
  if (!saga) return undefined;
  const { steps, waitingBefore, waitingPhase, waitingSince, waitingUntil, ...row } = saga;
  return {
    saga: { ...row, status: row.status as SagaStatus, waiting: waitingOf({ waitingBefore, waitingPhase, waitingSince, waitingUntil }) },
    steps: steps as StepRow[],
  };
}

/** How many sagas are stuck right now (for the metrics: a count kept in the database survives restarts). */
export function countStuckSagas(read: Reader): Promise<number> {
  return read.saga.count({ where: { status: "compensation_failed" } });
}

/** Deletes the sagas of a scope (their steps and events go with them): for a reset of the subjects they were about. */
export async function deleteSagas(tx: Tx, subjectType: string, scope: string): Promise<void> {
  await tx.saga.deleteMany({ where: { subjectType, scope } });
}

/** How many sagas of a scope are in flight (a scope with any must not be removed). */
export function countInFlight(read: Reader | Tx, scope: string): Promise<number> {
  return read.saga.count({ where: { scope, status: { in: [...inFlightSagaStatuses] } } });
}
