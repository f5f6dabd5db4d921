/**
 * Step by step (RunOptions.step_by_step): a run waits before each transition until an operator continues
 * it, or until its pause times out. The pause is on the saga's row (Waiting, lib/saga/store.ts), so every
 * reader sees it and a restart waits again; the run (run.ts) records it and waits here. A continue moves
 * the pause's end back to its start, then wakes the run: at once in this process (an emitter keyed by
 * saga id), and within POLL_MS on another replica of the same database, which reads the row.
 *
 *   outcome committed, pause recorded ──(continue, or the timeout)──> next move begun, pause cleared
 */
import { EventEmitter } from "node:events";
import { database, type Database } from "../db/client";
import type { SagaDefinition } from "./definition";
import { subscribe } from "./events";
import { isStepMove, type Move } from "./moves";
import { stepTimeoutMs, type RunOptions } from "./options";
import type { SagaStatus } from "./status";
import { SagaVanished, type Waiting } from "./store";

// Process-wide, as the runs are (see process.ts): a route handler's bundle continues what the
// instrumentation's bundle runs.
const globalForStepping = globalThis as unknown as { sagaStudioStepping?: EventEmitter };
const nudges = (globalForStepping.sagaStudioStepping ??= new EventEmitter().setMaxListeners(0));

// With several replicas (PostgreSQL) a continue may reach another one: a waiting run reads its row this
// often. One process alone (SQLite) hears every continue by the emitter, and reads the row only when
// nudged, at the pause's end, and now and then in case the clock jumped.
const POLL_MS = 250;
const SOLO_POLL_MS = 60_000;

// How long a continue waits for the run to take it up before it answers the saga as it stands.
const RELEASE_MS = 5_000;
const RELEASE_POLL_MS = 50;

type Nudge = "continue" | "released";

/**
 * The pause before `move` that begins at `at`: it waits before a step's action or compensation, or
 * before the status the saga moves to, until the step timeout of the run's options. None after the end.
 */
export function pauseBefore(definition: SagaDefinition<unknown>, move: Move, at: Date, options: RunOptions): Waiting | undefined {
  if (move.kind === "none") return undefined;
  const what = isStepMove(move)
    ? { before: definition.steps[move.position].name, phase: move.kind }
    : { before: move.kind, phase: "saga" as const };
  return { ...what, since: at, until: new Date(at.getTime() + stepTimeoutMs(options)) };
}

/** Whether two pauses wait before the same move. */
export function samePause(a: Waiting | undefined, b: Waiting | undefined): boolean {
  return a?.before === b?.before && a?.phase === b?.phase;
}

/** How the log says what a pause waits before: "reserve_inventory", "compensating reserve_inventory", "becoming completed". */
export function describePause({ before, phase }: Waiting): string {
  if (phase === "saga") return `becoming ${before}`;
  return `${phase === "compensation" ? "compensating " : ""}${before}`;
}

/** Tells whoever waits in this process that a saga's pause was continued, or released by its run. */
export function nudge(kind: Nudge, sagaId: string): void {
  nudges.emit(`${kind}:${sagaId}`);
}

/** Resolves after `ms`, on a nudge of `kind` for the saga, or on any reset (the saga may be gone); rejects when `signal` aborts. */
function nudged(kind: Nudge, sagaId: string, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const key = `${kind}:${sagaId}`;
    const done = () => {
      stop();
      resolve();
    };
    const aborted = () => {
      stop();
      reject(signal?.reason);
    };
    const timer = setTimeout(done, ms);
    const unsubscribe = subscribe((signal) => {
      if (signal.type === "reset") done();
    });
    nudges.on(key, done);
    signal?.addEventListener("abort", aborted, { once: true });
    function stop() {
      clearTimeout(timer);
      unsubscribe();
      nudges.off(key, done);
      signal?.removeEventListener("abort", aborted);
    }
  });
}

/**
 * Waits until the saga's pause is over: continued (its end moved back to its start) or timed out. The
 * row decides, read at each wake-up: a saga a reset removed meanwhile ends the wait with SagaVanished.
 * `signal` (shutdown, the loss of the lease) cuts the wait short, rejecting with its reason.
 */
export async function awaitContinue(db: Database, sagaId: string, signal: AbortSignal): Promise<void> {
  const poll = db.replicated ? POLL_MS : SOLO_POLL_MS;
  for (;;) {
    if (signal.aborted) throw signal.reason;
    const row = await db.read.saga.findUnique({ where: { id: sagaId }, select: { waitingUntil: true } });
    if (!row) throw new SagaVanished(sagaId);
    const left = row.waitingUntil === null ? 0 : row.waitingUntil.getTime() - Date.now();
    if (left <= 0) return;
    await nudged("continue", sagaId, Math.min(left, poll), signal);
  }
}

export type Continued = { kind: "not_found" } | { kind: "not_waiting"; status: SagaStatus } | { kind: "continued" };

/**
 * An operator's continue of a step-by-step pause, for a saga of `scope` only: the pause ends now. It
 * resolves once the run has begun the next move (or after RELEASE_MS, should no run take it up by then:
 * one is starting, say), so that the saga read afterwards shows the move under way. A pause that ended
 * meanwhile (its timeout, another continue) counts as continued: the click that came late asked for that.
 */
export async function continueSaga(sagaId: string, scope: string): Promise<Continued> {
  const db = await database();
  const row = await db.read.saga.findFirst({ where: { id: sagaId, scope }, select: { status: true, waitingSince: true } });
  if (!row) return { kind: "not_found" };
  const since = row.waitingSince;
  if (since === null) return { kind: "not_waiting", status: row.status as SagaStatus };
  // Only the pause that was read: a second click on the same pause changes nothing.
  const moved = await db.write((tx) => tx.saga.updateMany({ where: { id: sagaId, waitingSince: since }, data: { waitingUntil: since } }));
  if (moved.count === 0) return { kind: "continued" };
  nudge("continue", sagaId);
  const deadline = Date.now() + RELEASE_MS;
  for (;;) {
    const now = await db.read.saga.findUnique({ where: { id: sagaId }, select: { waitingSince: true } });
    if (now?.waitingSince?.getTime() !== since.getTime()) return { kind: "continued" };
    const left = deadline - Date.now();
    if (left <= 0) return { kind: "continued" };
    await nudged("released", sagaId, Math.min(left, RELEASE_POLL_MS));
  }
}
