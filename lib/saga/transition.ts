/**
 * A Transition: the changes of one transaction to one saga (its steps, its status, its event log),
 * written by `save` with as few calls as it can, inside the caller's transaction. Every change the
 * engine makes to its tables goes through one (lib/saga/run-record.ts, start.ts, operator-retry.ts).
 */
import { orderEventWrites, type Tx } from "../db/client";
import { insertRows, sagaEventsTable, sagasTable, sagaStepsTable, updateRows, type SagaStepFields } from "../db/insert-rows";
import { leaseOwner, leaseUntil } from "./lease";
import type { EventOutcome, EventPhase, SagaStatus, StepStatus } from "./status";
import { LeaseLost, SagaVanished, waitingColumns, type NewSagaRow, type StepRow, type Waiting } from "./store";

export interface EventInput {
  position?: number;
  step?: string;
  phase: EventPhase;
  outcome: EventOutcome;
  error?: string;
  /** The service's log line, for a completed action or compensation. */
  detail?: string;
  /** What the service answered the attempt (JSON of Heard), if it answered. */
  call?: string;
}

/** An attempt's outcome, as a step's action or compensation records it. */
export interface StepResult {
  error?: string;
  output?: string;
  detail?: string;
  /** What the service answered (JSON of Heard). */
  call?: string;
}

type StepData = Partial<SagaStepFields>;

/**
 * The changes of one transaction to one saga: its steps, its status, its new events. They are written
 * by `save`, with as few calls as it can (Prisma's per-call cost is most of a small statement's), inside the same
 * transaction as whatever else the caller wrote. Each change is made to `steps` too, the run's picture
 * of the saga, which the caller restores if the transaction fails.
 */
export class Transition {
  private readonly events: (EventInput & { createdAt: Date })[] = [];
  private readonly changes = new Map<number, StepData>();
  private status: { status: SagaStatus; error?: string } | undefined;
  private claims: { status: SagaStatus } | undefined;
  private creates: { saga: NewSagaRow; compensations: string[] } | undefined;
  // undefined: the pause is left as it is; null: cleared.
  private waiting: Waiting | null | undefined;
  readonly at = new Date();

  constructor(
    readonly tx: Tx,
    readonly sagaId: string,
    private readonly steps: StepRow[],
  ) {}

  /**
   * A transition that creates its saga: `save` inserts the saga, then its steps and its events with one
   * statement each, each step as this transition leaves it, so that a saga
   * whose steps all run in the transaction that starts it is written once, never updated. Its first
   * event says it was recorded (`pending`); `steps` are its rows, all pending, that the run changes.
   */
  static creating(tx: Tx, saga: NewSagaRow, steps: StepRow[], compensations: string[]): Transition {
    const transition = new Transition(tx, saga.id, steps);
    transition.creates = { saga, compensations };
    transition.event({ phase: "saga", outcome: "pending" });
    return transition;
  }

  private event(event: EventInput): void {
    this.events.push({ ...event, createdAt: this.at });
  }

  private change(position: number, row: Partial<StepRow>, data: StepData): string {
    Object.assign(this.steps[position], row);
    this.changes.set(position, { ...this.changes.get(position), ...data });
    return this.steps[position].name;
  }

  /**
   * This transition takes the saga's lease over, whoever held it (an operator's retry of a stuck saga),
   * if the saga still has `status`: otherwise it rolls back with LeaseLost.
   */
  takeOverIf(status: SagaStatus): void {
    this.claims = { status };
  }

  /** Step by step: the saga now waits before its next move (see Waiting). */
  waitBefore(waiting: Waiting): void {
    this.waiting = waiting;
  }

  /** Step by step: the pause is over (the transition that begins the next move says so). */
  stopWaiting(): void {
    this.waiting = null;
  }

  setSagaStatus(status: SagaStatus, error?: string): void {
    this.status = { status, error };
    this.event({ phase: "saga", outcome: status, error });
  }

  /** Write-ahead record of attempt number `attempt` at a step's action. */
  stepRunning(position: number, attempt: number): void {
    const step = this.change(
      position,
      { status: "running", attempts: attempt, error: null },
      { status: "running", attempts: attempt, error: null, startedAt: this.at, finishedAt: null },
    );
    this.event({ position, step, phase: "action", outcome: "running" });
  }

  /** An attempt failed and another will follow: the step keeps its status, with the attempt's error. */
  retrying(position: number, phase: "action" | "compensation", error: string, call?: string): void {
    const step = this.change(position, { error }, { error });
    this.event({ position, step, phase, outcome: "retrying", error, call });
  }

  /** Completed (with what its remote call answered, and its log line) when there is no error; failed with it otherwise. */
  stepFinished(position: number, result: StepResult): void {
    const status: StepStatus = result.error === undefined ? "completed" : "failed";
    const error = result.error ?? null;
    const output = result.output ?? null;
    const step = this.change(position, { status, error, output }, { status, error, finishedAt: this.at, output });
    this.event({ position, step, phase: "action", outcome: status, error: result.error, detail: result.detail, call: result.call });
  }

  /**
   * A failed action that may have taken effect at its service (lib/saga/run.ts): its step is due to be
   * undone like a completed one. It stays `failed` in the event log until its compensation begins.
   */
  dueForUndo(position: number): void {
    this.change(position, { status: "compensating" }, { status: "compensating" });
  }

  /** Write-ahead record of attempt number `attempt` (counted over every run) at a step's compensation. */
  stepCompensating(position: number, attempt: number): void {
    const step = this.change(
      position,
      { status: "compensating", compensationAttempts: attempt },
      { status: "compensating", compensationAttempts: attempt, ...(attempt === 1 ? { compensationStartedAt: this.at } : {}) },
    );
    this.event({ position, step, phase: "compensation", outcome: "compensating" });
  }

  /** The compensation's writes are in (same transaction): compensated, or given up with its error. */
  compensationFinished(position: number, result: StepResult): void {
    const status: StepStatus = result.error === undefined ? "compensated" : "compensation_failed";
    // Undone, the step carries no error any more (the attempts that failed are in the event log).
    const step =
      result.error === undefined
        ? this.change(
            position,
            { status, error: null },
            { status, error: null, compensatedAt: this.at, compensationOutput: result.output ?? null },
          )
        : this.change(position, { status, error: result.error }, { status, error: result.error });
    this.event({ position, step, phase: "compensation", outcome: status, error: result.error, detail: result.detail, call: result.call });
  }

  /**
   * Writes it all: the saga row (its status if it changed, and updated_at), the changed steps with one
   * UPDATE (lib/db/insert-rows.ts updateRows: Prisma's model API would take a call a step), then the new
   * events in one INSERT. The saga's update is also the guard of the
   * transition: a saga that is gone (a reset deleted it mid-run) has no row to update, and the whole
   * transaction, the step's own writes included, rolls back with SagaVanished (LeaseLost when another process holds it). A transition that
   * creates its saga inserts it instead, then its steps and its events.
   */
  async save(): Promise<void> {
    const status = this.status;
    await orderEventWrites(this.tx);
    if (this.creates) return this.insert(this.creates);
    // (updateMany, not update: it reads nothing back, and the count says whether the row was there.)
    const saved = await this.tx.saga.updateMany({
      // Only while this process holds the lease (unless it takes it now): a process that paused past
      // its lease must not write over the progress of the one that took the saga over.
      where: { id: this.sagaId, ...(this.claims ? { status: this.claims.status } : { leaseOwner: leaseOwner() }) },
      data: {
        updatedAt: this.at,
        leaseOwner: leaseOwner(),
        leaseExpiresAt: leaseUntil(this.at.getTime()),
        ...(status ? { status: status.status, ...(status.error !== undefined ? { error: status.error } : {}) } : {}),
        ...(this.waiting !== undefined ? waitingColumns(this.waiting) : {}),
      },
    });
    // No row: the saga is gone, or another process holds its lease (or took it over first).
    if (saved.count === 0) {
      const gone = (await this.tx.saga.count({ where: { id: this.sagaId } })) === 0;
      throw gone ? new SagaVanished(this.sagaId) : new LeaseLost(this.sagaId);
    }
    await updateRows(
      this.tx,
      sagaStepsTable,
      { sagaId: this.sagaId },
      "position",
      [...this.changes].map(([position, data]) => ({ key: position, data })),
    );
    await this.insertEvents();
  }

  private async insertEvents(): Promise<void> {
    await insertRows(
      this.tx,
      sagaEventsTable,
      this.events.map((event) => ({ sagaId: this.sagaId, ...event })),
    );
  }

  private async insert({ saga, compensations }: NonNullable<Transition["creates"]>): Promise<void> {
    await insertRows(this.tx, sagasTable, [
      {
        ...saga,
        status: this.status?.status ?? "pending",
        error: this.status?.error ?? null,
        createdAt: this.at,
        updatedAt: this.at,
        leaseOwner: leaseOwner(),
        leaseExpiresAt: leaseUntil(this.at.getTime()),
        ...waitingColumns(this.waiting ?? null),
      },
    ]);
    await insertRows(
      this.tx,
      sagaStepsTable,
      this.steps.map((row, position) => ({
        sagaId: saga.id,
        position,
        name: row.name,
        compensationName: compensations[position],
        status: row.status,
        attempts: row.attempts,
        compensationAttempts: row.compensationAttempts,
        ...(this.changes.get(position) as object),
      })),
    );
    await this.insertEvents();
  }
}
