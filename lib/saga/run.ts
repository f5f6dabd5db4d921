/**
 * One run of one saga: drives it forward through its steps' actions and, after a failure, backward
 * through their compensations, until it ends. lib/saga/moves.ts says which move comes next,
 * lib/saga/attempt.ts does an attempt's work, and lib/saga/run-record.ts writes each move ahead of it and
 * each outcome after it. Everything needed to continue is in the database, so a run can start from any
 * point a crash left. Transient failures are retried with backoff as the step's policy says
 * (lib/saga/policy.ts); business failures (StepFailure) are not.
 *
 * Step by step (options.step_by_step), no transaction begins the next move: it records a pause instead,
 * and the run waits (lib/saga/stepping.ts) until an operator continues it or the pause times out.
 */
import type { Database } from "../db/client";
import { logger } from "../log";
import { doWork, judge } from "./attempt";
import { retryAfterMs, type Heard, type SagaDefinition } from "./definition";
import { keepLease } from "./lease";
import { countSaga, startAttempt, type AttemptOutcome } from "./metrics";
import { isStepMove, phases, type Move, type Phase } from "./moves";
import { scaled, type RunOptions } from "./options";
import { backoff } from "./policy";
import { describe, Interrupted, isDraining, type RunOutcome } from "./process";
import { StepThrew } from "./chain";
import { RunRecord, type Done, type RunState } from "./run-record";
import type { SagaStatus } from "./status";
import { awaitContinue, describePause, pauseBefore, samePause } from "./stepping";
import { LeaseLost, SagaVanished } from "./store";
import type { Transition } from "./transition";

const log = logger("orchestrator");
// What a step's action or compensation did, under the seed's logger name for its services.
const services = logger("services");

type Result = "next" | "retry" | "stuck";

export class SagaRun<Subject> {
  private readonly record: RunRecord<Subject>;
  // The attempts that ran in the transaction that recorded the saga, to report once it has committed.
  private startedWith: Done<Subject>[] = [];
  // Step by step: when the backoff of a failed attempt ends (its retry waits for a continue as well).
  private backoffUntil = 0;
  // By step, of its action's attempts: whether one may have reached its service (an attempt made before
  // this run, before a crash or a pause, always may have), and whether the service answered the last
  // one (it took effect there, whatever failed after).
  private readonly actionAttempts = new Map<number, { mayHaveReached: boolean; tookEffect: boolean }>();

  constructor(
    private readonly db: Database,
    sagaId: string,
    subjectId: string,
    state: RunState,
    definition: SagaDefinition<Subject>,
    subject: Subject,
    options: RunOptions,
  ) {
    this.record = new RunRecord(db, sagaId, subjectId, state, definition, subject, options);
  }

  get status(): SagaStatus {
    return this.record.status;
  }

  private get sagaId(): string {
    return this.record.sagaId;
  }

  private get ids(): Record<string, string> {
    return this.record.ids;
  }

  /** In the transaction that records the saga (lib/saga/start.ts): its first move begun, and at most `limit` chained moves run. */
  async start(t: Transition, limit: number): Promise<void> {
    this.startedWith = await this.record.start(t, limit);
  }

  /**
   * Drives the saga to an end and resolves with how it ended. Rejects with Interrupted when shutdown
   * stops it first, and with LeaseLost or SagaVanished when the saga is no longer this process's to drive.
   */
  async run(isNew = false): Promise<RunOutcome> {
    // With other replicas about, a heartbeat keeps the lease while a step takes its time. One that finds
    // it gone stops the run at once: the step's work and remote call are cut off, nothing more is written.
    const stop = this.db.replicated
      ? keepLease(this.db, this.sagaId, (why) =>
          this.record.lose(why === "gone" ? new SagaVanished(this.sagaId) : new LeaseLost(this.sagaId)),
        )
      : undefined;
    try {
      return await this.driveToEnd(isNew);
    } finally {
      stop?.();
    }
  }

  private async driveToEnd(isNew: boolean): Promise<RunOutcome> {
    if (isNew || this.record.status === "pending") {
      log.info(`Starting saga ${this.sagaId} for ${this.record.definition.subject} ${this.record.subjectId}`, this.ids);
      countSaga("started");
    }
    if (this.startedWith.length > 0) {
      for (const done of this.startedWith) this.reportDone(done, true);
      this.startedWith = [];
      this.announce();
    }
    for (;;) {
      const move = this.record.nextMove();
      if (move.kind === "none") return this.record.outcome;
      if (!isStepMove(move)) {
        if (this.record.stepping) await this.waitTurn(move);
        await this.record.commit((t) => this.record.beginMove(t, move));
        this.announce();
        continue;
      }
      if (isDraining()) throw new Interrupted();
      this.record.stillHeld();
      const attempt = await this.attemptToMake(move);
      if ((await this.tryStep(move.kind, move.position, attempt)) === "stuck") return this.record.outcome;
    }
  }

  /** The number of the attempt at `move` that the last transaction began; or, when it began none, begins one (after its pause). */
  private async attemptToMake(move: { kind: Phase; position: number }): Promise<number> {
    const begun = this.record.takeBegun(move);
    if (begun !== undefined) return begun;
    if (this.record.stepping) await this.waitTurn(move);
    await this.record.commit((t) => this.record.beginMove(t, move));
    return this.record.takeBegun(move)!;
  }

  /**
   * Step by step, before `move` begins: waits until an operator continues the saga or the pause times
   * out. The pause is normally recorded already, with the outcome before it; a run that resumes a saga
   * cut off mid-step (or an operator's retry of a stuck one) records it first. Shutdown stops the wait
   * (Interrupted: the saga stays waiting, and the next start waits again), and so does the loss of the lease.
   */
  private async waitTurn(move: Move): Promise<void> {
    const wanted = pauseBefore(this.record.definition, move, new Date(), this.record.options);
    if (!wanted) return;
    if (!samePause(this.record.waiting, wanted)) await this.record.commit(async (t) => this.record.recordPause(t, move));
    const waiting = this.record.waiting!;
    log.info(
      `Saga ${this.sagaId} waits before ${describePause(waiting)} (step by step), until continued or ${waiting.until.toISOString()}`,
      this.ids,
    );
    try {
      await awaitContinue(this.db, this.sagaId, this.record.cancel);
    } catch (error) {
      if (isDraining()) throw new Interrupted();
      this.record.stillHeld();
      throw error;
    }
    // A retried attempt still waits out its backoff, counted from the failure.
    const backoffLeft = this.backoffUntil - Date.now();
    this.backoffUntil = 0;
    if (backoffLeft > 0) await this.record.pause(backoffLeft);
    if (isDraining()) throw new Interrupted();
  }

  /**
   * One attempt at a step's action or compensation, whose write-ahead record has committed: its work
   * (lib/saga/attempt.ts), then one transaction with its local writes, its outcome and the next move.
   */
  private async tryStep(phase: Phase, position: number, attempt: number): Promise<Result> {
    const { definition, options } = this.record;
    const step = definition.steps[position];
    const finished = startAttempt(phase, step.name);
    this.logAttempt(phase, position, attempt);
    // What the service answered this attempt, if it was called and answered: recorded with the outcome.
    let heard: Heard | undefined;
    const makeContext = (signal: AbortSignal) => ({
      ...this.record.context(phase, position, attempt, signal),
      heard: (answer: Heard) => (heard = answer),
    });
    const work = await doWork(this.db, step, phase, attempt, options, makeContext, this.record.cancel);
    // Cut off by shutdown: nothing of this attempt is committed; the next start makes it again. Cut off
    // by the loss of the lease: the replica that holds it now makes it again.
    if (isDraining()) throw new Interrupted();
    this.record.stillHeld();
    let failure = work.failure;
    if (phase === "action") {
      const seen = this.actionAttempts.get(position) ?? { mayHaveReached: attempt > 1, tookEffect: false };
      seen.mayHaveReached ||= work.mayHaveReached === true;
      // The service answered the action: whatever fails after, it took effect there.
      seen.tookEffect = failure === undefined && phases[phase].call(step) !== undefined;
      this.actionAttempts.set(position, seen);
    }
    if (failure === undefined) {
      try {
        const done = await this.record.commitAttempt({ phase, position, attempt, ctx: work.ctx, answer: work.answer, heard, finished });
        done.forEach((each, index) => this.reportDone(each, index > 0));
        this.announce();
        return "next";
      } catch (error) {
        if (!(error instanceof StepThrew)) throw error;
        failure = error.cause;
      }
    }
    return this.failed(phase, position, attempt, failure, finished, heard);
  }

  /** Records a failed attempt: to be retried after a backoff, or given up (the action failed, or the compensation is stuck). */
  private async failed(
    phase: Phase,
    position: number,
    attempt: number,
    failure: unknown,
    finished: (outcome: AttemptOutcome) => void,
    heard: Heard | undefined,
  ): Promise<Result> {
    const call = heard && JSON.stringify(heard);
    const step = this.record.definition.steps[position];
    const rules = phases[phase];
    const { business, expected, reason } = judge(failure, phase);
    if (!expected) log.error(`${rules.title(step)} raised an unexpected error: ${describe(failure)}`, this.ids);

    if (!business && attempt < this.record.attemptLimit(phase, position)) {
      await this.record.commit(async (t) => {
        t.retrying(position, phase, reason, call);
        // Step by step, the next attempt waits for a continue too (and for its backoff: see waitTurn).
        if (this.record.stepping) this.record.recordPause(t, { kind: phase, position });
      });
      finished("retry");
      // An open circuit breaker says when its service may be tried again: the retry waits for it.
      const waitMs = Math.max(
        scaled(backoff(rules.retry(step), attempt, `${this.sagaId}:${position}${rules.seed}`), this.record.options),
        retryAfterMs(failure),
      );
      log.warn(`${rules.title(step)} attempt ${attempt} failed (${reason}); retrying in ${Math.round(waitMs)} ms`, this.ids);
      if (this.record.stepping) this.backoffUntil = Date.now() + waitMs;
      else await this.record.pause(waitMs);
      return "retry";
    }

    const gaveUp = `${reason} (gave up after ${attempt} attempts)`;
    const final = phase === "compensation" ? `${step.compensation} failed: ${gaveUp}` : business ? reason : gaveUp;
    // An action that calls a service and gave up may have taken effect there all the same, if one of its
    // requests may have reached it (an answer lost or too late, a connection cut, an attempt before a
    // crash): it is in doubt, and undone with the others (lib/saga/moves.ts). A service that never had it
    // answers that there was nothing to undo, and refuses it if it comes late. Nothing is in doubt when
    // every attempt was refused at the door (connection refused, breaker open, 503) or before it was sent,
    // nor when the service refused it (a business failure: it answers the same to every attempt's key).
    const seen = this.actionAttempts.get(position);
    const inDoubt =
      phase === "action" && step.call !== undefined && (seen?.tookEffect === true || (!business && seen?.mayHaveReached === true));
    await this.record.commit(async (t) => {
      rules.finish(t, position, { error: final, call });
      if (inDoubt) t.dueForUndo(position);
      await this.record.setStatus(t, rules.gaveUp, final);
      if (phase === "action") await this.record.beginNext(t);
    });
    if (phase === "action") {
      finished("failed");
      log.info(`Step ${step.name} failed: ${final}`, this.ids);
      if (inDoubt) log.info(`Step ${step.name} may have taken effect at its service: it is compensated too`, this.ids);
      log.info(`Saga ${this.sagaId} compensating: running compensations in reverse order`, this.ids);
      this.announce();
      return "next";
    }
    finished("stuck");
    countSaga("stuck");
    log.error(`Saga ${this.sagaId} needs an operator: ${final}`, this.ids);
    return "stuck";
  }

  private logAttempt(phase: Phase, position: number, attempt: number): void {
    const step = this.record.definition.steps[position];
    const again = attempt > 1 ? ` (attempt ${attempt})` : "";
    if (phase === "action") log.info(`Executing step ${step.name}${again}`, this.ids);
    else log.info(`Compensating step ${step.name} (${step.compensation})${again}`, this.ids);
  }

  /** After the commit: the metrics, and the log lines of a finished attempt (a chained one's first line too). */
  private reportDone({ phase, position, attempt, line, finished }: Done<Subject>, chained: boolean): void {
    const step = this.record.definition.steps[position];
    if (chained) this.logAttempt(phase, position, attempt);
    finished(phases[phase].done);
    if (line) services.info(line, { ...this.ids, step: phases[phase].name(step) });
    if (phase === "action") log.info(`Step ${step.name} completed`, this.ids);
  }

  /** Logs and counts a saga that has just reached an end. */
  private announce(): void {
    const { status } = this.record;
    if (status === "completed") {
      countSaga("completed");
      log.info(`Saga ${this.sagaId} completed successfully`, this.ids);
    } else if (status === "failed") {
      countSaga("failed");
      log.info(`Saga ${this.sagaId} failed: compensation complete`, this.ids);
    }
  }
}
