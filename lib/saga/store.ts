/**
 * The engine's own tables (sagas, saga_steps, saga_events), through Prisma Client's model API.
 *
 * Every change the engine makes happens inside a transaction given by `write` (lib/db/client.ts), through
 * a `Transition`: it updates the steps and the saga, and on `save` writes the collected event-log rows.
 * Each update checks that it changed a row: when the saga is gone (POST /reset deleted it mid-run) the
 * whole transaction, the step's own writes included, rolls back with SagaVanished.
 */
import type { Tx } from "../db/client";
import type { Reader } from "./definition";
import type { EventOutcome, EventPhase, SagaStatus, StepStatus } from "./status";
import { inFlightSagaStatuses } from "./status";

export interface SagaRow {
  id: string;
  definition: string;
  subjectType: string;
  subjectId: string;
  status: SagaStatus;
  /** JSON of RunOptions */
  options: string;
}

export interface StepRow {
  position: number;
  name: string;
  status: StepStatus;
  attempts: number;
  compensationAttempts: number;
  /** What the action's remote call answered (JSON text), if it made one. */
  output: string | null;
}

/** Thrown when a saga's rows are gone mid-run (POST /reset wiped them): the run stops quietly. */
export class SagaVanished extends Error {
  constructor(sagaId: string) {
    super(`Saga ${sagaId} no longer exists`);
    this.name = "SagaVanished";
  }
}

export interface EventInput {
  position?: number;
  step?: string;
  phase: EventPhase;
  outcome: EventOutcome;
  error?: string;
}

/** A new saga and its steps, all pending, with its first event: inside the caller's transaction. */
export async function insertSaga(
  tx: Tx,
  saga: { id: string; definition: string; subjectType: string; subjectId: string; options: string },
  steps: readonly { name: string; compensation: string }[],
): Promise<void> {
  const at = new Date();
  await tx.saga.create({ data: { ...saga, status: "pending", createdAt: at, updatedAt: at }, select: { id: true } });
  await tx.sagaStep.createMany({
    data: steps.map((step, position) => ({ sagaId: saga.id, position, name: step.name, compensationName: step.compensation, status: "pending" })),
  });
  await tx.sagaEvent.create({ data: { sagaId: saga.id, phase: "saga", outcome: "pending", createdAt: at }, select: { id: true } });
}

/** The changes of one transaction to one saga. Call `save` last, inside the same transaction. */
export class Transition {
  private readonly events: (EventInput & { sagaId: string; createdAt: Date })[] = [];
  private status: { status: SagaStatus; error?: string } | undefined;
  readonly at = new Date();

  constructor(
    readonly tx: Tx,
    readonly sagaId: string,
  ) {}

  private event(event: EventInput): void {
    this.events.push({ ...event, sagaId: this.sagaId, createdAt: this.at });
  }

  /** `updateMany` rather than `update`: no row is read back, and a count of 0 means the saga is gone. */
  private async updateStep(position: number, data: Parameters<Tx["sagaStep"]["updateMany"]>[0]["data"]): Promise<void> {
    const { count } = await this.tx.sagaStep.updateMany({ where: { sagaId: this.sagaId, position }, data });
    if (count === 0) throw new SagaVanished(this.sagaId);
  }

  setSagaStatus(status: SagaStatus, error?: string): void {
    this.status = { status, error };
    this.event({ phase: "saga", outcome: status, error });
  }

  /** Write-ahead record of attempt number `attempt` at a step's action. */
  async stepRunning(position: number, step: string, attempt: number): Promise<void> {
    await this.updateStep(position, { status: "running", attempts: attempt, error: null, startedAt: this.at, finishedAt: null });
    this.event({ position, step, phase: "action", outcome: "running" });
  }

  /** An attempt failed and another will follow: the step keeps its status, with the attempt's error. */
  async retrying(position: number, step: string, phase: "action" | "compensation", error: string): Promise<void> {
    await this.updateStep(position, { error });
    this.event({ position, step, phase, outcome: "retrying", error });
  }

  /** Completed (with what its remote call answered) when there is no error; failed with it otherwise. */
  async stepFinished(position: number, step: string, result: { error?: string; output?: string }): Promise<void> {
    const status: StepStatus = result.error === undefined ? "completed" : "failed";
    await this.updateStep(position, { status, error: result.error ?? null, finishedAt: this.at, output: result.output ?? null });
    this.event({ position, step, phase: "action", outcome: status, error: result.error });
  }

  /** Write-ahead record of attempt number `attempt` (counted over every run) at a step's compensation. */
  async stepCompensating(position: number, step: string, attempt: number): Promise<void> {
    await this.updateStep(position, { status: "compensating", compensationAttempts: attempt, ...(attempt === 1 ? { compensationStartedAt: this.at } : {}) });
    this.event({ position, step, phase: "compensation", outcome: "compensating" });
  }

  /** The compensation's writes are in (same transaction): compensated, or given up with its error. */
  async compensationFinished(position: number, step: string, result: { error?: string; output?: string }): Promise<void> {
    const status: StepStatus = result.error === undefined ? "compensated" : "compensation_failed";
    await this.updateStep(position, {
      status,
      ...(result.error === undefined ? { compensatedAt: this.at, compensationOutput: result.output ?? null } : { error: result.error }),
    });
    this.event({ position, step, phase: "compensation", outcome: status, error: result.error });
  }

  /**
   * Writes the saga's new status, if it changed, and the events. A transition that changes no status
   * relies on its step updates to notice a saga that is gone.
   */
  async save(): Promise<void> {
    if (this.status) {
      const { status, error } = this.status;
      const { count } = await this.tx.saga.updateMany({
        where: { id: this.sagaId },
        data: { status, updatedAt: this.at, ...(error !== undefined ? { error } : {}) },
      });
      if (count === 0) throw new SagaVanished(this.sagaId);
    }
    // Row by row, sent together: Prisma caches the plan of a `create` but never of a `createMany`, and
    // compiling one costs more than the one or two cached inserts a transition needs. Sent in one turn,
    // they still run in order on the one connection, so the ids follow the transitions.
    await Promise.all(this.events.map((event) => this.tx.sagaEvent.create({ data: event, select: { id: true } })));
  }
}

export async function loadSaga(read: Reader, sagaId: string): Promise<{ saga: SagaRow; steps: StepRow[] } | undefined> {
  const saga = await read.saga.findUnique({
    where: { id: sagaId },
    select: {
      id: true,
      definition: true,
      subjectType: true,
      subjectId: true,
      status: true,
      options: true,
      steps: {
        orderBy: { position: "asc" },
        select: { position: true, name: true, status: true, attempts: true, compensationAttempts: true, output: true },
      },
    },
  });
  if (!saga) return undefined;
  const { steps, ...row } = saga;
  return { saga: row as SagaRow, steps: steps as StepRow[] };
}

/** Sagas still to be driven: what a previous process left in flight. */
export async function inFlightSagaIds(read: Reader): Promise<string[]> {
  const rows = await read.saga.findMany({
    where: { status: { in: [...inFlightSagaStatuses] } },
    orderBy: { createdAt: "asc" },
    select: { id: true },
  });
  return rows.map((row) => row.id);
}

/** How many sagas are stuck right now (for the metrics: a count kept in the database survives restarts). */
export function countStuckSagas(read: Reader): Promise<number> {
  return read.saga.count({ where: { status: "compensation_failed" } });
}

/** Deletes sagas (their steps and events go with them): for a reset of the subjects they were about. */
export async function deleteSagas(tx: Tx, subjectType: string): Promise<void> {
  await tx.saga.deleteMany({ where: { subjectType } });
}
