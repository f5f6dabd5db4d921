/**
 * The engine's own tables (sagas, saga_steps, saga_events) through raw, prepared SQL on the write
 * connection. Each function is one statement and runs inside the caller's transaction; every change of
 * status appends its row to the event log in the same transaction.
 */
import type { Db } from "../db/sqlite";
import { all, get, run } from "../db/sql";
import { isoNow } from "../db/time";
import type { EventOutcome, EventPhase, SagaStatus, StepStatus } from "./status";

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
  compensationAttempts: number;
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
  outcome: EventOutcome;
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

/** Write-ahead record of a new attempt at a step's action; returns the attempt's number. */
export function markStepRunning(db: Db, sagaId: string, position: number, step: string): number {
  const at = isoNow();
  const row = get<{ attempts: number }>(
    db,
    `UPDATE saga_steps SET status = 'running', attempts = attempts + 1, error = NULL, started_at = ?, finished_at = NULL
     WHERE saga_id = ? AND position = ? RETURNING attempts`,
    at,
    sagaId,
    position,
  );
  if (!row) throw new SagaVanished(sagaId);
  appendEvent(db, sagaId, { position, step, phase: "action", outcome: "running" }, at);
  return row.attempts;
}

/** An attempt failed and another will follow: the step stays running, with the attempt's error. */
export function markRetrying(db: Db, sagaId: string, position: number, step: string, phase: "action" | "compensation", error: string): void {
  changed(run(db, `UPDATE saga_steps SET error = ? WHERE saga_id = ? AND position = ?`, error, sagaId, position), sagaId);
  appendEvent(db, sagaId, { position, step, phase, outcome: "retrying", error });
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

/** Write-ahead record of a new attempt at a step's compensation; returns the attempt's number. */
export function markStepCompensating(db: Db, sagaId: string, position: number, step: string): number {
  const at = isoNow();
  const row = get<{ attempts: number }>(
    db,
    `UPDATE saga_steps SET status = 'compensating', compensation_attempts = compensation_attempts + 1,
       compensation_started_at = COALESCE(compensation_started_at, ?)
     WHERE saga_id = ? AND position = ? RETURNING compensation_attempts AS attempts`,
    at,
    sagaId,
    position,
  );
  if (!row) throw new SagaVanished(sagaId);
  appendEvent(db, sagaId, { position, step, phase: "compensation", outcome: "compensating" }, at);
  return row.attempts;
}

/** The compensation's writes are in (same transaction): compensated, or given up with its error. */
export function markCompensationFinished(db: Db, sagaId: string, position: number, step: string, error?: string): void {
  const at = isoNow();
  const status: StepStatus = error === undefined ? "compensated" : "compensation_failed";
  changed(
    run(
      db,
      `UPDATE saga_steps SET status = ?, error = COALESCE(?, error), compensated_at = ? WHERE saga_id = ? AND position = ?`,
      status,
      error ?? null,
      error === undefined ? at : null,
      sagaId,
      position,
    ),
    sagaId,
  );
  appendEvent(db, sagaId, { position, step, phase: "compensation", outcome: status, error }, at);
}

export function loadSaga(db: Db, sagaId: string): { saga: SagaRow; steps: StepRow[] } | undefined {
  const saga = get<SagaRow>(db, `SELECT id, definition, order_id AS subjectId, status, options FROM sagas WHERE id = ?`, sagaId);
  if (!saga) return undefined;
  const steps = all<StepRow>(db, `SELECT position, name, status, attempts, compensation_attempts AS compensationAttempts FROM saga_steps WHERE saga_id = ? ORDER BY position`, sagaId);
  return { saga, steps };
}

/** Sagas stuck on a compensation that gave up, for an operator to look at and retry. */
export function stuckSagaIds(db: Db): string[] {
  return all<{ id: string }>(db, `SELECT id FROM sagas WHERE status = 'compensation_failed' ORDER BY updated_at`).map((row) => row.id);
}

/** How many sagas are stuck right now (for the metrics: a count kept in the database survives restarts). */
export function countStuckSagas(db: Db): number {
  return get<{ count: number }>(db, `SELECT COUNT(*) AS count FROM sagas WHERE status = 'compensation_failed'`)?.count ?? 0;
}

export function inFlightSagaIds(db: Db): string[] {
  return all<{ id: string }>(db, `SELECT id FROM sagas WHERE status IN ('pending', 'processing', 'compensating') ORDER BY created_at`).map(
    (row) => row.id,
  );
}
