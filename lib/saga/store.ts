/**
 * The engine's own tables (sagas, saga_steps, saga_events) through raw, prepared SQL on the write
 * connection. Each function is one statement and runs inside the caller's transaction; every change of
 * status appends its row to the event log in the same transaction.
 */
import type { Db } from "../db/sqlite";
import { all, get, run } from "../db/sql";
import { isoNow } from "../db/time";
import type { EventPhase, SagaStatus, StepStatus } from "./status";

export interface SagaRow {
  id: string;
  definition: string;
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
}

/** Thrown when a saga's rows are gone mid-run (POST /reset wiped them): the run stops quietly. */
export class SagaVanished extends Error {
  constructor(sagaId: string) {
    super(`Saga ${sagaId} no longer exists`);
    this.name = "SagaVanished";
  }
}

function changed(changes: number, sagaId: string): void {
  if (changes === 0) throw new SagaVanished(sagaId);
}

export interface EventInput {
  position?: number;
  step?: string;
  phase: EventPhase;
  outcome: SagaStatus | StepStatus;
  error?: string;
}

export function appendEvent(db: Db, sagaId: string, event: EventInput, at = isoNow()): void {
  run(
    db,
    `INSERT INTO saga_events (saga_id, position, step, phase, outcome, error, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
    sagaId,
    event.position ?? null,
    event.step ?? null,
    event.phase,
    event.outcome,
    event.error ?? null,
    at,
  );
}

export function insertSaga(
  db: Db,
  saga: { id: string; definition: string; subjectId: string; options: string },
  steps: readonly { name: string; compensation: string }[],
): void {
  const at = isoNow();
  run(
    db,
    `INSERT INTO sagas (id, definition, order_id, status, options, created_at, updated_at) VALUES (?, ?, ?, 'pending', ?, ?, ?)`,
    saga.id,
    saga.definition,
    saga.subjectId,
    saga.options,
    at,
    at,
  );
  steps.forEach((step, position) =>
    run(
      db,
      `INSERT INTO saga_steps (saga_id, position, name, compensation_name, status) VALUES (?, ?, ?, ?, 'pending')`,
      saga.id,
      position,
      step.name,
      step.compensation,
    ),
  );
  appendEvent(db, saga.id, { phase: "saga", outcome: "pending" }, at);
}

export function setSagaStatus(db: Db, sagaId: string, status: SagaStatus, error?: string): void {
  const at = isoNow();
  changed(run(db, `UPDATE sagas SET status = ?, error = COALESCE(?, error), updated_at = ? WHERE id = ?`, status, error ?? null, at, sagaId), sagaId);
  appendEvent(db, sagaId, { phase: "saga", outcome: status, error }, at);
}

export function markStepRunning(db: Db, sagaId: string, position: number, step: string): void {
  const at = isoNow();
  changed(
    run(
      db,
      `UPDATE saga_steps SET status = 'running', attempts = attempts + 1, error = NULL, started_at = ?, finished_at = NULL
       WHERE saga_id = ? AND position = ?`,
      at,
      sagaId,
      position,
    ),
    sagaId,
  );
  appendEvent(db, sagaId, { position, step, phase: "action", outcome: "running" }, at);
}

/** Completed when there is no error, failed with it otherwise. */
export function markStepFinished(db: Db, sagaId: string, position: number, step: string, error?: string): void {
  const at = isoNow();
  const status: StepStatus = error === undefined ? "completed" : "failed";
  changed(
    run(db, `UPDATE saga_steps SET status = ?, error = ?, finished_at = ? WHERE saga_id = ? AND position = ?`, status, error ?? null, at, sagaId, position),
    sagaId,
  );
  appendEvent(db, sagaId, { position, step, phase: "action", outcome: status, error }, at);
}

// Which timestamp each compensation status stamps.
const compensationStamp = { compensating: "compensation_started_at", compensated: "compensated_at" } as const;

/** Before a compensation runs (`compensating`) and, with its writes, after (`compensated`). */
export function markStepCompensation(
  db: Db,
  sagaId: string,
  position: number,
  step: string,
  status: keyof typeof compensationStamp,
): void {
  const at = isoNow();
  changed(
    run(db, `UPDATE saga_steps SET status = ?, ${compensationStamp[status]} = ? WHERE saga_id = ? AND position = ?`, status, at, sagaId, position),
    sagaId,
  );
  appendEvent(db, sagaId, { position, step, phase: "compensation", outcome: status }, at);
}

export function loadSaga(db: Db, sagaId: string): { saga: SagaRow; steps: StepRow[] } | undefined {
  const saga = get<SagaRow>(db, `SELECT id, definition, order_id AS subjectId, status, options FROM sagas WHERE id = ?`, sagaId);
  if (!saga) return undefined;
  const steps = all<StepRow>(db, `SELECT position, name, status, attempts FROM saga_steps WHERE saga_id = ? ORDER BY position`, sagaId);
  return { saga, steps };
}

export function inFlightSagaIds(db: Db): string[] {
  return all<{ id: string }>(db, `SELECT id FROM sagas WHERE status IN ('pending', 'processing', 'compensating') ORDER BY created_at`).map(
    (row) => row.id,
  );
}
