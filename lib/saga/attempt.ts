/**
 * One attempt's work outside any transaction: its check, its simulated work and its remote call, cut
 * short by its timeout; then, if it failed, what the failure means. The run (lib/saga/run.ts) records
 * the attempt before this starts and its outcome after.
 */
import type { Database } from "../db/client";
import {
  isStepFailure,
  isTransient,
  StepFailure,
  TransientError,
  retryAfterMs,
  wasUndelivered,
  type Json,
  type SagaStep,
  type StagedFaults,
  type StepContext,
} from "./definition";
import { bulkheadOf } from "./bulkhead";
import { phases, type Phase } from "./moves";
import { scaled, type Fault, type RunOptions } from "./options";
import { describe, wait } from "./process";

class TimedOut extends TransientError {}

// A timeout shorter than this would fire before any real work could finish (e.g. with delays off).
const MIN_TIMEOUT_MS = 20;

/** Faults injected by the request (RunOptions.faults), keyed by attempt number: the same request fails the same way every time. */
function injectedFault(fault: Fault | undefined, phase: Phase, attempt: number): void {
  if (!fault) return;
  if (phase === "compensation") {
    if (attempt <= (fault.compensation_failures ?? 0)) throw new TransientError(`Injected compensation failure (attempt ${attempt})`);
    return;
  }
  if (fault.fail) throw new StepFailure("Injected failure");
  if (attempt <= (fault.transient ?? 0)) throw new TransientError(`Injected transient failure (attempt ${attempt})`);
}

/** What the request's faults stage at the boundary of this attempt's call (none: undefined). */
function staged(fault: Fault | undefined, phase: Phase, attempt: number): StagedFaults | undefined {
  if (!fault) return undefined;
  const action = phase === "action";
  const faults: StagedFaults = {
    ...(action && attempt <= (fault.lost_answers ?? 0) ? { loseAnswer: true } : {}),
    ...(action && attempt <= (fault.unavailable ?? 0) ? { unavailable: true } : {}),
    ...(action && attempt <= (fault.slow_answers ?? 0) ? { slow: true } : {}),
    ...(fault.duplicates ? { duplicate: true } : {}),
  };
  return Object.keys(faults).length > 0 ? faults : undefined;
}

/**
 * Whether a step waits for nothing outside the database (no simulated work, no remote call, no
 * injected fault): it may run chained in a transaction.
 */
export function runsInline(step: SagaStep<unknown>, phase: Phase, options: RunOptions): boolean {
  return !phases[phase].call(step) && scaled(step.durationMs, options) <= 0 && !options.faults?.[step.name];
}

/** What the work came to: the context it ran with, and what the call answered or the failure (undefined: none). */
export interface WorkDone<Subject> {
  ctx: StepContext<Subject>;
  answer?: Json;
  failure?: unknown;
  /**
   * A failed attempt's request may have reached its service and taken effect there: the call was made,
   * and its failure does not say for sure that it was not (TransientError.undelivered).
   */
  mayHaveReached?: boolean;
}

/**
 * Does the attempt's work: the check (an action's, when slow work or a call follows), the simulated
 * work, the remote call. An attempt that calls a service first takes a slot of the service's bulkhead
 * (lib/saga/bulkhead.ts); its timeout starts then. `makeContext` is given the signal that fires at the
 * step's timeout, at shutdown, or when `cancel` fires (the lease was lost). The attempt ends when its
 * signal fires, whatever its call does with the signal (a call cut off at its timeout has
 * CALL_SETTLE_MS to say when to retry); a failure after the timeout fired is the timeout.
 */
export async function doWork<Subject>(
  db: Database,
  step: SagaStep<Subject>,
  phase: Phase,
  attempt: number,
  options: RunOptions,
  makeContext: (signal: AbortSignal) => StepContext<Subject>,
  cancel: AbortSignal,
): Promise<WorkDone<Subject>> {
  const call = phases[phase].call(step);
  let release: (() => void) | undefined;
  if (call) {
    try {
      release = await bulkheadOf(step.service ?? step.name).take(cancel);
    } catch (error) {
      return { ctx: makeContext(cancel), failure: error };
    }
  }
  // A real service answers in real time; a simulated step's timeout scales with its simulated work.
  const limitMs = call ? step.timeoutMs : Math.max(scaled(step.timeoutMs, options), MIN_TIMEOUT_MS);
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(new TimedOut(`Timed out after ${Math.round(limitMs)} ms`)), limitMs);
  const signal = AbortSignal.any([timeout.signal, cancel]);
  const fault = options.faults?.[step.name];
  const ctx = { ...makeContext(signal), ...(call ? { staged: staged(fault, phase, attempt) } : {}) };
  const work = async () => {
    injectedFault(fault, phase, attempt);
    const isAction = phase === "action";
    const hangs = isAction && attempt <= (fault?.timeouts ?? 0);
    const duration = hangs ? Infinity : scaled(step.durationMs, options);
    // The check exists to fail before slow work; with none to come, the action finds the same failure itself.
    if (isAction && step.check && (duration > 0 || call)) await step.check(db.read, ctx);
    await wait(duration, ctx.signal);
    if (!call) return undefined;
    calling = true;
    return (await call(ctx)) ?? undefined;
  };
  let calling = false;
  // Raced on the two signals themselves, not on the one made of both: an attempt never outlives either.
  const cut = [cutShort(timeout.signal), cutShort(cancel)];
  const running = work();
  try {
    return { ctx, answer: await Promise.race([running, ...cut.map(({ fired }) => fired)]) };
  } catch (error) {
    const failure = timeout.signal.aborted ? timeout.signal.reason : error;
    if (timeout.signal.aborted && calling) await heedRetryAfter(failure, running);
    return { ctx, failure, mayHaveReached: calling && !wasUndelivered(error) };
  } finally {
    clearTimeout(timer);
    cut.forEach(({ dispose }) => dispose());
    release?.();
  }
}

// How long a call cut off at its timeout is given to fail on its own (its request cancelled, it rejects
// at once): long enough to hear it, never long enough to matter.
const CALL_SETTLE_MS = 50;

/**
 * A call cut off at its timeout fails on its own a moment later, and that failure may say when to come
 * back (the service's circuit breaker, which the timeout has just opened): the timeout then asks the
 * retry to wait as long (TransientError.retryAfterMs), instead of sending it into the open breaker.
 */
async function heedRetryAfter(failure: unknown, running: Promise<unknown>): Promise<void> {
  let timer: Parameters<typeof clearTimeout>[0];
  const own = await Promise.race([
    running.then(
      () => undefined,
      (error: unknown) => error,
    ),
    new Promise<undefined>((resolve) => {
      timer = setTimeout(resolve, CALL_SETTLE_MS);
    }),
  ]);
  clearTimeout(timer);
  const wait = retryAfterMs(own);
  if (wait > 0 && isTransient(failure)) (failure as TransientError).retryAfterMs = Math.max(retryAfterMs(failure), wait);
}

/** A promise that rejects with the signal's reason when it fires; `dispose` stops listening. */
function cutShort(signal: AbortSignal): { fired: Promise<never>; dispose: () => void } {
  let dispose = () => {};
  const fired = new Promise<never>((_, reject) => {
    const abort = () => reject(signal.reason);
    if (signal.aborted) return abort();
    signal.addEventListener("abort", abort, { once: true });
    dispose = () => signal.removeEventListener("abort", abort);
  });
  return { fired, dispose };
}

/** What a failed attempt means: a business failure of an action (never retried), and the reason to record. */
export function judge(failure: unknown, phase: Phase): { business: boolean; expected: boolean; reason: string } {
  const expected = isStepFailure(failure) || isTransient(failure);
  return {
    business: phase === "action" && isStepFailure(failure),
    expected,
    reason: expected ? describe(failure) : `Unexpected error: ${describe(failure)}`,
  };
}

/** What the action's remote call answered, from the step's row, for its compensation. */
export function parseAnswer(output: string | null): Json | undefined {
  if (output === null) return undefined;
  try {
    return JSON.parse(output) as Json;
  } catch {
    return undefined;
  }
}
