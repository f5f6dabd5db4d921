/**
 * What the engine keeps per process: the runs it is driving (one per saga) and the shutdown signal.
 *
 * Shutdown (SIGTERM, see shutdown.ts beside instrumentation.ts): no new saga starts, and running ones
 * stop at their next persisted point; the next start resumes them from the database.
 */
import { setMaxListeners } from "node:events";
import { openedDatabase } from "../db/client";
import type { StepRow } from "./store";
import type { SagaStatus } from "./status";
import { releaseLeases } from "./lease";

/** How a run ended: the saga's status and its steps, as its last transaction committed them. */
export interface RunOutcome {
  status: SagaStatus;
  steps: readonly StepRow[];
}

// On globalThis: Next.js bundles instrumentation.ts and the route handlers separately, each with its own
// copy of this module, and both must see the same runs and shutdown.
const globalForRuns = globalThis as unknown as {
  sagaStudioRuns?: { runs: Map<string, Promise<RunOutcome | undefined>>; shutdown: AbortController };
};
const state = (globalForRuns.sagaStudioRuns ??= { runs: new Map(), shutdown: new AbortController() });

/** The run of each saga this process is driving, by saga id: a resume and a request never drive one saga twice at once. */
export const runs = state.runs;

/** Aborts at shutdown: every wait of every run listens to it. */
export const shutdownSignal = state.shutdown.signal;
// Every waiting step listens to it: no limit (Node would warn past ten).
setMaxListeners(0, shutdownSignal);

export function isDraining(): boolean {
  return shutdownSignal.aborted;
}

/** Shutdown stopped the run at a persisted point: its saga stays in flight, for the next start to resume. */
export class Interrupted extends Error {
  override name = "Interrupted";
}

/** Stops every run at its next persisted point and resolves when all have stopped. */
export async function drain(): Promise<void> {
  state.shutdown.abort(new Error("shutting down"));
  await settleRunningSagas();
  // With other replicas about, what this one leaves in flight is theirs at once, not after the lease.
  const db = await openedDatabase();
  if (db?.replicated) await db.write((tx) => releaseLeases(tx)).catch(() => undefined);
}

/** Resolves when every saga this process is running has reached a persisted end (for shutdown and tests). */
export async function settleRunningSagas(): Promise<void> {
  while (runs.size > 0) await Promise.allSettled([...runs.values()]);
}

/** Waits `ms` (simulated work, a backoff) unless `signal` cuts it short: then rejects with the signal's reason. */
export function wait(ms: number, signal: AbortSignal = shutdownSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(signal.reason);
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = Number.isFinite(ms) ? setTimeout(done, ms) : undefined;
    function done() {
      signal.removeEventListener("abort", aborted);
      resolve();
    }
    function aborted() {
      clearTimeout(timer);
      reject(signal.reason);
    }
    signal.addEventListener("abort", aborted, { once: true });
  });
}

/** Waits, unless the process is shutting down: then it returns at once (and the caller sees isDraining). */
export function sleep(ms: number): Promise<void> {
  return wait(ms).catch(() => undefined);
}

export function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
