/**
 * Recovery: the sagas a process left in flight are finished by the next one. At start-up every saga in
 * flight is resumed (on PostgreSQL, those nobody else holds); with several replicas, every few seconds
 * each one also claims the sagas whose lease has expired, so a dead replica's sagas are finished by the
 * others within about the lease's time.
 */
import { database } from "../db/client";
import { logger } from "../log";
import { claimableSagaIds, leaseMs } from "./lease";
import { doubling } from "./policy";
import { describe, isDraining, runs } from "./process";
import { runSagaToEnd } from "./runs";

const log = logger("orchestrator");

/**
 * Resumes every saga that a previous process left in flight: on SQLite all of them (one process has
 * the file); on PostgreSQL those nobody holds, whose lease has expired, or that this replica held.
 * Resolves with how many it resumed once their runs have begun, not ended: the server serves meanwhile
 * (a step-by-step saga may wait an hour for a click, and a remote step for its service).
 */
export async function resumeInFlightSagas(): Promise<number> {
  const db = await database();
  const ids = (await claimableSagaIds(db.read, !db.replicated)).filter((id) => !runs.has(id) && !backingOff(id));
  if (ids.length > 0) log.info(`Resuming ${ids.length} saga(s) left in flight`);
  // Each is claimed once: one that another replica took meanwhile is theirs. A run that fails says why
  // (see runs.ts), and is not claimed again at once.
  for (const id of ids) resume(id);
  return ids.length;
}

/**
 * Every few seconds (a quarter of the lease), claims the sagas in flight whose lease has expired.
 * Stops with the process (or at `drain`).
 */
export function startRecovery(): void {
  const every = Math.max(250, leaseMs() / 4);
  let sweeping = false;
  const timer = setInterval(() => {
    if (isDraining()) return clearInterval(timer);
    // One sweep at a time; the runs it starts go on by themselves.
    if (sweeping) return;
    sweeping = true;
    claimExpired()
      .catch((error: unknown) => log.warn(`Claiming sagas whose lease expired failed: ${describe(error)}`))
      .finally(() => (sweeping = false));
  }, every);
  timer.unref();
}

async function claimExpired(): Promise<void> {
  const db = await database();
  for (const id of await claimableSagaIds(db.read)) {
    if (runs.has(id) || backingOff(id) || isDraining()) continue;
    resume(id);
  }
}

function resume(sagaId: string): void {
  runSagaToEnd(sagaId, { wait: false }).catch(() => backOff(sagaId));
}

// A saga whose run stopped on an unexpected error (a bug, an unknown definition) is not claimed again at
// once by the periodic recovery: it waits, twice as long each time, from a lease's time up to a minute.
const failures = new Map<string, { count: number; until: number }>();

function backOff(sagaId: string): void {
  const count = (failures.get(sagaId)?.count ?? 0) + 1;
  failures.set(sagaId, { count, until: Date.now() + doubling(leaseMs(), 60_000, count) });
  if (failures.size > 10_000) failures.delete(failures.keys().next().value!);
}

function backingOff(sagaId: string): boolean {
  const failure = failures.get(sagaId);
  return failure !== undefined && failure.until > Date.now();
}
