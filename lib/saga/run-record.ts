/**
 * What a run writes: its picture of the saga (status, steps, the move begun, the pause), and the
 * transactions that change the saga and that picture together. lib/saga/run.ts decides what to do; this
 * records it.
 *
 * Write-ahead: a move is begun (a step's attempt recorded `running` or `compensating`, or the saga's
 * new status) before anything acts on it; an attempt's outcome commits in one transaction with the
 * step's local writes and its events, and that transaction begins the next move too. Moves with nothing
 * to wait for (no simulated work, no remote call) are chained into the same transaction (see `chain`):
 * with the delays off, a saga of local steps costs one transaction in all.
 */
import type { Database } from "../db/client";
import { isDatabaseFault } from "../db/faults";
import { logger } from "../log";
import { parseAnswer, runsInline } from "./attempt";
import type { Heard, Json, LogLine, SagaDefinition, StepContext } from "./definition";
import { publish } from "./events";
import { startAttempt, type AttemptOutcome } from "./metrics";
import { isStepMove, nextMove, phases, type Move, type Phase } from "./moves";
import type { RunOptions } from "./options";
import { ChainBroken, chainingUntilUnbroken, StepThrew } from "./chain";
import { retryDatabaseFault } from "./policy";
import { isDraining, shutdownSignal, wait, type RunOutcome } from "./process";
import { isSagaTransition, type SagaStatus } from "./status";
import { nudge, pauseBefore } from "./stepping";
import type { StepRow, Waiting } from "./store";
import { Transition } from "./transition";

const log = logger("orchestrator");

/** The state of a run that a transaction changes, restored if the transaction fails. */
export interface RunState {
  status: SagaStatus;
  steps: StepRow[];
  /** A move whose write-ahead record the last transaction already committed, with its attempt number. */
  begun?: { kind: Phase; position: number; attempt: number };
  /** Step by step: the pause the last transaction recorded, if the saga waits. */
  waiting?: Waiting;
}

/** An attempt whose work is done, to commit: its context, what its remote call answered, and its metrics' timer. */
export interface Attempt<Subject> {
  phase: Phase;
  position: number;
  attempt: number;
  ctx: StepContext<Subject>;
  answer: Json | undefined;
  /** What the service answered, if the attempt called one and heard back. */
  heard?: Heard;
  finished: (outcome: AttemptOutcome) => void;
}

/** A committed attempt, with the log line its step returned. */
export type Done<Subject> = Attempt<Subject> & { line: LogLine };

export class RunRecord<Subject> {
  private state: RunState;
  // The compensation attempts a step had when this run first compensated it: each run (a resume, an
  // operator's retry) gets the policy's full number of attempts.
  private readonly compensationBase = new Map<number, number>();
  // Aborted (with LeaseLost or SagaVanished) once this process holds the saga no more.
  private readonly lost = new AbortController();
  /** What cuts every wait of the run short: shutdown, or the loss of the lease. */
  readonly cancel = AbortSignal.any([shutdownSignal, this.lost.signal]);
  readonly ids: Record<string, string>;

  constructor(
    private readonly db: Database,
    readonly sagaId: string,
    readonly subjectId: string,
    state: RunState,
    readonly definition: SagaDefinition<Subject>,
    private readonly subject: Subject,
    readonly options: RunOptions,
  ) {
    this.state = state;
    this.ids = { saga_id: sagaId, [`${definition.subject}_id`]: subjectId };
  }

  get status(): SagaStatus {
    return this.state.status;
  }

  get outcome(): RunOutcome {
    return { status: this.state.status, steps: this.state.steps };
  }

  get waiting(): Waiting | undefined {
    return this.state.waiting;
  }

  get stepping(): boolean {
    return this.options.step_by_step === true;
  }

  /** What the saga does next, as the last transaction left it. */
  nextMove(): Move {
    return nextMove(this.state.status, this.state.steps);
  }

  /** The attempt number of `move` if the last transaction began it (and forgets it: it is being made now). */
  takeBegun(move: { kind: Phase; position: number }): number | undefined {
    const begun = this.state.begun;
    this.state.begun = undefined;
    return begun?.kind === move.kind && begun.position === move.position ? begun.attempt : undefined;
  }

  /** The saga is no longer this process's to drive: every wait stops, and nothing more is written. */
  lose(reason: Error): void {
    if (!this.lost.signal.aborted) this.lost.abort(reason);
  }

  /** Throws LeaseLost (or SagaVanished) once this process holds the saga no more. */
  stillHeld(): void {
    if (this.lost.signal.aborted) throw this.lost.signal.reason;
  }

  /** Waits (a backoff), unless shutdown or the loss of the lease cuts it short. */
  async pause(ms: number): Promise<void> {
    await wait(ms, this.cancel).catch(() => undefined);
    this.stillHeld();
  }

  /**
   * In the transaction that records the saga (lib/saga/start.ts): its first move begun, and the moves
   * with nothing to wait for run at once, at most `limit` of them; what they did, to report once it has
   * committed. The subject was recorded with the status this gives the saga: its `onStatus` is not called.
   */
  async start(t: Transition, limit: number): Promise<Done<Subject>[]> {
    const move = this.nextMove();
    // Step by step, the saga is recorded pending, waiting before its first move.
    if (this.stepping) this.recordPause(t, move);
    if (this.stepping || move.kind !== "action") return [];
    this.moveTo(t, "processing");
    t.stepRunning(move.position, 1);
    this.state.begun = { kind: "action", position: move.position, attempt: 1 };
    return this.chain(t, limit);
  }

  /**
   * One transaction of this run, then a word to the live streams. A fault of the database itself is
   * transient: the same transaction is tried again (retryDatabaseFault) until it commits or the process
   * shuts down (Interrupted); /health meanwhile says writes are failing.
   */
  async commit<T>(fn: (t: Transition) => Promise<T>): Promise<T> {
    const once = async () => {
      this.stillHeld();
      const before = RunRecord.copy(this.state);
      try {
        const result = await this.db.write(async (tx) => {
          this.state = RunRecord.copy(before);
          const transition = new Transition(tx, this.sagaId, this.state.steps);
          const value = await fn(transition);
          await transition.save();
          return value;
        });
        publish({ type: "event", sagaId: this.sagaId });
        // A continue waits for its pause to be released: this commit released it.
        if (before.waiting && !this.state.waiting) nudge("released", this.sagaId);
        return result;
      } catch (error) {
        this.state = before;
        throw error;
      }
    };
    return retryDatabaseFault(once, {
      interruptible: true,
      pause: (ms) => this.pause(ms),
      onFault: (fault, ms) => log.warn(`Saga ${this.sagaId}: the database refused a write (${fault}); trying again in ${ms} ms`, this.ids),
      onRecovered: () => log.info(`Saga ${this.sagaId}: the database takes writes again`, this.ids),
    });
  }

  private static copy(state: RunState): RunState {
    return {
      status: state.status,
      steps: state.steps.map((row) => ({ ...row })),
      begun: state.begun && { ...state.begun },
      waiting: state.waiting && { ...state.waiting },
    };
  }

  /** Records the saga's new status; refuses a move that lib/saga/status.ts does not list. */
  private moveTo(t: Transition, status: SagaStatus, error?: string): void {
    if (!isSagaTransition(this.state.status, status))
      throw new Error(`Saga ${this.sagaId} cannot move from ${this.state.status} to ${status}: sagaTransitions does not list it`);
    t.setSagaStatus(status, error);
    this.state.status = status;
  }

  /** The saga's new status, and its subject's, in the same transaction. */
  async setStatus(t: Transition, status: SagaStatus, error?: string): Promise<void> {
    this.moveTo(t, status, error);
    await this.definition.onStatus?.(t.tx, this.subjectId, status);
  }

  /** Writes the record that begins `move` (for a step: its next attempt, counted in memory as in the database). */
  async beginMove(t: Transition, move: Move): Promise<void> {
    if (this.state.waiting) {
      t.stopWaiting();
      this.state.waiting = undefined;
    }
    if (!isStepMove(move)) {
      if (move.kind !== "none") await this.setStatus(t, move.kind);
      return;
    }
    if (move.kind === "action" && this.state.status === "pending") await this.setStatus(t, "processing");
    const row = this.state.steps[move.position];
    if (move.kind === "compensation" && !this.compensationBase.has(move.position))
      this.compensationBase.set(move.position, row.compensationAttempts);
    const attempt = phases[move.kind].attempts(row) + 1;
    phases[move.kind].begin(t, move.position, attempt);
    this.state.begun = { kind: move.kind, position: move.position, attempt };
  }

  /**
   * Inside an outcome's transaction: begins the next move too, unless the process is shutting down.
   * Step by step, it records the pause before that move instead: the move begins once continued.
   */
  async beginNext(t: Transition): Promise<void> {
    const move = this.nextMove();
    if (this.stepping) return this.recordPause(t, move);
    if (isStepMove(move) && isDraining()) return;
    await this.beginMove(t, move);
  }

  /** Inside a transaction, step by step: the saga waits before `move` from now until the pause times out. */
  recordPause(t: Transition, move: Move): void {
    const waiting = pauseBefore(this.definition, move, t.at, this.options);
    if (!waiting) return;
    t.waitBefore(waiting);
    this.state.waiting = waiting;
  }

  /** How many attempts a step's action or compensation has in all, in this run. */
  attemptLimit(phase: Phase, position: number): number {
    const policy = phases[phase].retry(this.definition.steps[position]);
    return (phase === "compensation" ? (this.compensationBase.get(position) ?? 0) : 0) + policy.attempts;
  }

  /** What a step's action or compensation is given, for attempt number `attempt`. */
  context(phase: Phase, position: number, attempt: number, signal: AbortSignal): StepContext<Subject> {
    const answer = phase === "action" ? undefined : parseAnswer(this.state.steps[position].output);
    return { subject: this.subject, sagaId: this.sagaId, idempotencyKey: `${this.sagaId}:${position}:${phase}`, attempt, signal, answer };
  }

  /**
   * Commits a successful attempt: its local writes, its outcome and the next move, in one transaction,
   * with the moves after it that wait for nothing (see `chain`). Throws StepThrew when its own local
   * writes threw; a chained step that throws is left out, and attempted on its own next.
   */
  commitAttempt(first: Attempt<Subject>): Promise<Done<Subject>[]> {
    return chainingUntilUnbroken((limit) =>
      this.commit(async (t) => {
        const done = { ...first, line: await this.local(t, first) };
        return [done, ...(await this.chain(t, limit))];
      }),
    );
  }

  /**
   * Inside a transaction, after a move that has begun: runs the moves begun after it that wait for
   * nothing outside the database, at most `limit` of them. Nothing acts outside the database between
   * them, so a crash still loses nothing (the chain commits whole or not at all). One that throws rolls
   * the whole transaction back (ChainBroken; see chainingUntilUnbroken).
   */
  private async chain(t: Transition, limit: number): Promise<Done<Subject>[]> {
    const done: Done<Subject>[] = [];
    while (done.length < limit) {
      const next = this.chained();
      if (!next) break;
      try {
        done.push({ ...next, line: await this.local(t, next) });
      } catch (error) {
        if (error instanceof StepThrew) throw new ChainBroken(done.length);
        throw error;
      }
    }
    return done;
  }

  /** The move the transaction has just begun, as an attempt to run in it too; undefined if it must wait. */
  private chained(): Attempt<Subject> | undefined {
    const begun = this.state.begun;
    if (!begun || isDraining()) return undefined;
    const step = this.definition.steps[begun.position];
    if (!runsInline(step, begun.kind, this.options)) return undefined;
    this.state.begun = undefined;
    const { kind: phase, position, attempt } = begun;
    return {
      phase,
      position,
      attempt,
      ctx: this.context(phase, position, attempt, shutdownSignal),
      answer: undefined,
      finished: startAttempt(phase, step.name),
    };
  }

  /** Inside a transaction: an attempt's local writes, its outcome, and the next move begun. */
  private async local(t: Transition, { phase, position, ctx, answer, heard }: Attempt<Subject>): Promise<LogLine> {
    const fn = phases[phase].local(this.definition.steps[position]);
    let line: LogLine;
    try {
      line = fn ? await fn(t.tx, phase === "action" ? { ...ctx, answer } : { ...ctx, undoAnswer: answer }) : undefined;
    } catch (error) {
      // The database failing under the step's writes is the database's fault, not the step's.
      if (isDatabaseFault(error)) throw error;
      throw new StepThrew("step threw", { cause: error });
    }
    phases[phase].finish(t, position, {
      output: answer === undefined ? undefined : JSON.stringify(answer),
      detail: line || undefined,
      call: heard && JSON.stringify(heard),
    });
    await this.beginNext(t);
    return line;
  }
}
