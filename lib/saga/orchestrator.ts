/**
 * The saga orchestrator: runs any registered saga definition, step by step, and compensates in reverse
 * when a step fails. It knows nothing about orders.
 *
 *   pending ──> processing ──(every step completed)──> completed
 *                   │
 *                   └──(a step failed)──> compensating ──(every completed step compensated)──> failed
 *                                              │  ▲
 *                  (a compensation gave up) ───┘  └── operator retry (retrySaga)
 *                                              ▼
 *                                     compensation_failed
 *
 * Write-ahead: each attempt at a step is recorded `running` (or `compensating`) before any of its work
 * starts; its outcome then commits in one transaction with the step's local writes and its events, and
 * that transaction also records the next move (the next step `running`, the saga `completed`, ...); the
 * first move is recorded with the saga itself. So a saga costs one transaction per step, plus the one
 * that creates it (with its subject); steps with nothing to wait for (no simulated work, no remote call)
 * share one transaction (see `finish`), and those at the start run in the one that creates the saga
 * (see `recordSagas`), so with the delays off a saga of local steps costs one transaction in all.
 * Everything needed to continue is in the database, and `runSaga` resumes a saga from any point. A step's remote call happens between two transactions, never
 * inside one. Transient failures (TransientError, a timeout, an unexpected error) are retried with
 * exponential backoff and jitter as the step's policy says; business failures (StepFailure) are not.
 *
 * Step by step (options.step_by_step), no transaction begins the next move: the one before it records a
 * pause instead, and the run waits (lib/saga/stepping.ts) until an operator continues it or the pause
 * times out; the transaction that then begins the move clears the pause. Nothing chains, then.
 */
import { createHash } from "node:crypto";
import { setMaxListeners } from "node:events";
import { database, openedDatabase, type Database, type Tx } from "../db/client";
import { describeFault, isDatabaseFault } from "../db/faults";
import { logger } from "../log";
import { countSaga, startAttempt } from "../metrics";
import { isStepFailure, isTransient, StepFailure, TransientError, type Json, type RetryPolicy, type SagaDefinition, type SagaStep, type StepContext } from "./definition";
import { publish } from "./events";
import { parseStoredOptions, scaled, stepTimeoutMs, type Fault, type RunOptions } from "./options";
import { definitionVersion, findDefinition, registeredVersions } from "./registry";
import { claimableSagaIds, claimSaga, leaseMs, releaseLeases, renewLease } from "./lease";
import { loadSaga, newStepRows, SagaVanished, Transition, type StepRow, type Waiting } from "./store";
import { awaitContinue, nudge } from "./stepping";
import { isInFlight, type SagaStatus } from "./status";

const log = logger("orchestrator");
// What a step's action or compensation did, under the seed's logger name for its services.
const services = logger("services");

// Process-wide state lives on globalThis: Next.js bundles instrumentation.ts and the route handlers
// separately, each with its own copy of this module, and both must see the same runs and shutdown.
const globalForRuns = globalThis as unknown as {
  sagaStudioRuns?: { runs: Map<string, Promise<RunOutcome | undefined>>; shutdown: AbortController };
};
const { runs, shutdown } = (globalForRuns.sagaStudioRuns ??= { runs: new Map(), shutdown: new AbortController() });
// Every waiting step listens to it: no limit (Node would warn past ten).
setMaxListeners(0, shutdown.signal);

// Shutdown (SIGTERM): no new saga starts, and running ones stop at their next persisted point; the
// next start resumes them from the database.

export function isDraining(): boolean {
  return shutdown.signal.aborted;
}

/** Stops every run at its next persisted point and resolves when all have stopped. */
export async function drain(): Promise<void> {
  shutdown.abort(new Error("shutting down"));
  await settleRunningSagas();
  // With other replicas about, what this one leaves in flight is theirs at once, not after the lease.
  const db = await openedDatabase();
  if (db?.replicated) await db.write((tx) => releaseLeases(tx)).catch(() => undefined);
}

/** Waits, unless the process is shutting down: then it returns at once and the run stops. */
function sleep(ms: number): Promise<void> {
  return work(ms, shutdown.signal).catch(() => undefined);
}

/** Simulated work that `signal` cuts short: rejects with the signal's reason. */
function work(ms: number, signal: AbortSignal): Promise<void> {
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

/** A saga to start: its id, its definition, and what it is about. */
export interface NewSaga<Subject> {
  id: string;
  definition: SagaDefinition<Subject>;
  subjectId: string;
  subject: Subject;
  /** Whose saga it is: lists and live feeds filter by it (default: none). */
  scope?: string;
  options: RunOptions;
}

/** A saga `startSaga` recorded: what `runSaga` needs to drive it without reading it back. */
export interface StartedSaga<Subject> extends NewSaga<Subject> {
  /** Its status as recorded (the subject's too): `processing`, or already its end when every step ran. */
  status: SagaStatus;
  steps: StepRow[];
}

/** Starts a saga inside the transaction of `recordSagas`, after the caller recorded its subject. */
export type StartSaga = <Subject>(saga: NewSaga<Subject>) => Promise<StartedSaga<Subject>>;

/** Each started saga's run, to go on from where its start left it (the engine's own, not the caller's). */
const startedRuns = new WeakMap<StartedSaga<unknown>, SagaRun<unknown>>();

/**
 * Runs `record` as one transaction in which it records its subjects and starts their sagas with
 * `start`: so a saga and what it is about commit together. The caller records a subject first, with
 * the status `initialStatus` names (its writes are there for the steps to use; `onStatus` follows every
 * change after that). Each saga starts in the same transaction: it is recorded with its first step
 * begun, and steps with nothing to wait for (no simulated work, no remote call, no injected fault) run
 * there too, so with the delays off a saga of local steps costs this one transaction in all, its rows
 * written once. When such a step throws, the transaction rolls back and `record` runs again, the chain
 * stopping before that step (which is then attempted on its own, by `runSaga`). So `record` may run
 * more than once: it must do nothing but database work. Once it has committed, `runSaga` drives each
 * started saga on from there.
 */
export async function recordSagas<T>(record: (tx: Tx, start: StartSaga) => Promise<T>): Promise<T> {
  const db = await database();
  for (let limit = Infinity, faults = 0; ; ) {
    try {
      return await db.write((tx) => record(tx, (saga) => begin(db, tx, saga, limit)));
    } catch (error) {
      if (error instanceof ChainBroken) {
        limit = error.completed;
        continue;
      }
      // A fault of the database (a deadlock or a serialization failure on PostgreSQL, a busy file):
      // the same transaction is tried again a few times, as a step's would be; then the caller hears of it.
      if (!isDatabaseFault(error) || ++faults >= RECORD_ATTEMPTS || isDraining()) throw error;
      await sleep(DATABASE_RETRY_MS * 2 ** (faults - 1));
    }
  }
}

// How many times recordSagas tries a transaction the database refused.
const RECORD_ATTEMPTS = 3;

/** Records a saga about nothing the caller writes (the engine's tests), in a transaction of its own. */
export function startSaga<Subject>(saga: NewSaga<Subject>): Promise<StartedSaga<Subject>> {
  return recordSagas((_tx, start) => start(saga));
}

/**
 * The status a saga of `definition` is recorded with: its subject is recorded with it too. Step by step,
 * it is pending: it waits before its first step.
 */
export function initialStatus(definition: SagaDefinition<unknown>, options: RunOptions = {}): SagaStatus {
  return definition.steps.length > 0 && !options.step_by_step ? "processing" : "pending";
}

async function begin<Subject>(db: Database, tx: Tx, saga: NewSaga<Subject>, limit: number): Promise<StartedSaga<Subject>> {
  const { definition } = saga;
  const steps = newStepRows(definition.steps);
  const transition = Transition.creating(
    tx,
    { id: saga.id, definition: definition.name, definitionVersion: definitionVersion(definition), subjectType: definition.subject, subjectId: saga.subjectId, scope: saga.scope ?? "", options: JSON.stringify(saga.options) },
    steps,
    definition.steps.map((step) => step.compensation),
  );
  const run = new SagaRun(db, saga.id, saga.subjectId, { status: "pending", steps }, definition, saga.subject, saga.options);
  await run.start(transition, limit);
  await transition.save();
  const started: StartedSaga<Subject> = { ...saga, status: run.status, steps: steps.map((row) => ({ ...row })) };
  startedRuns.set(started, run as SagaRun<unknown>);
  return started;
}

/** How a run ended: the saga's status and its steps, as its last transaction committed them. */
export interface RunOutcome {
  status: SagaStatus;
  steps: readonly StepRow[];
}

// One run per saga in this process (`runs`): a resume and a request never drive the same saga twice at once.

/**
 * Runs (or resumes) a saga until it is completed or failed; resolves with how it ended, or undefined
 * when it stopped before (shutdown, or a reset removed it). Given the `StartedSaga` that startSaga
 * recorded, it starts from there instead of reading the saga back.
 */
export function runSagaToEnd(saga: string | StartedSaga<unknown>, { wait = true }: { wait?: boolean } = {}): Promise<RunOutcome | undefined> {
  const sagaId = typeof saga === "string" ? saga : saga.id;
  let run = runs.get(sagaId);
  if (!run) {
    run = drive(sagaId, typeof saga === "string" ? undefined : saga, wait).finally(() => runs.delete(sagaId));
    runs.set(sagaId, run);
  }
  return run;
}

/** Runs (or resumes) a saga until it is completed or failed; resolves with its final status. */
export async function runSaga(saga: string | StartedSaga<unknown>): Promise<SagaStatus | undefined> {
  return (await runSagaToEnd(saga))?.status;
}

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
  // (see drive), and is not claimed again at once.
  for (const id of ids) runSagaToEnd(id, { wait: false }).catch(() => backOff(id));
  return ids.length;
}

// A saga whose run stopped on an unexpected error (a bug, an unknown definition) is not claimed again at
// once by the periodic recovery: it waits, twice as long each time, up to a minute.
const failures = new Map<string, { count: number; until: number }>();
function backOff(sagaId: string): void {
  const count = (failures.get(sagaId)?.count ?? 0) + 1;
  failures.set(sagaId, { count, until: Date.now() + Math.min(60_000, leaseMs() * 2 ** (count - 1)) });
  if (failures.size > 10_000) failures.delete(failures.keys().next().value!);
}
function backingOff(sagaId: string): boolean {
  const failure = failures.get(sagaId);
  return failure !== undefined && failure.until > Date.now();
}

/**
 * With several replicas (PostgreSQL), recovery is not only at start-up: every few seconds each replica
 * claims the sagas in flight whose lease has expired, so a dead replica's sagas are finished by the
 * others within about the lease's time. Stops with the process (or at `drain`).
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
    runSagaToEnd(id, { wait: false }).catch(() => backOff(id));
  }
}

/** Resolves when every saga this process is running has reached a persisted end (for shutdown and tests). */
export async function settleRunningSagas(): Promise<void> {
  while (runs.size > 0) await Promise.allSettled([...runs.values()]);
}

async function drive(sagaId: string, started?: StartedSaga<unknown>, wait = true): Promise<RunOutcome | undefined> {
  try {
    const db = await database();
    const begun = started && startedRuns.get(started);
    if (begun) return await begun.run(true);
    // Claimed first: while another replica drives it, this run waits for the end (and takes it over if
    // that replica dies: its lease expires).
    const claimed = await claimOrWait(db, sagaId, wait);
    if (claimed !== "claimed") return claimed;
    const loaded = await loadSaga(db.read, sagaId);
    if (!loaded) throw new SagaVanished(sagaId);
    const definition = findDefinition(loaded.saga.definition, loaded.saga.definitionVersion);
    if (!definition) throw await refuseUnknownVersion(db, loaded.saga);
    const subject = await definition.load(db.read, loaded.saga.subjectId);
    const state = { status: loaded.saga.status, steps: loaded.steps, waiting: loaded.saga.waiting ?? undefined };
    return await new SagaRun(db, loaded.saga.id, loaded.saga.subjectId, state, definition, subject, parseStoredOptions(loaded.saga.options)).run();
  } catch (error) {
    if (error instanceof SagaVanished) {
      log.warn(`Saga ${sagaId} was removed while running (a reset), or another replica took it over; stopping here`, { saga_id: sagaId });
      return undefined;
    }
    if (error instanceof LeaseLost) {
      log.warn(`Saga ${sagaId}: this replica lost its lease (it paused past it) and another replica drives the saga now; stopping here`, { saga_id: sagaId });
      return undefined;
    }
    if (error instanceof Interrupted) {
      log.info(`Saga ${sagaId} paused for shutdown; the next start resumes it`, { saga_id: sagaId });
      return undefined;
    }
    if (error instanceof UnknownDefinitionVersion) {
      log.error(error.message, { saga_id: sagaId });
      throw error;
    }
    log.error(`Saga ${sagaId} stopped on an unexpected error: ${describe(error)}`, { saga_id: sagaId });
    throw error;
  }
}

/** A saga in flight whose definition's version this build does not have: it is not run, and says why. */
export class UnknownDefinitionVersion extends Error {
  override name = "UnknownDefinitionVersion";
}

/**
 * Refuses to run a saga under steps it did not start with: its error says so (GET /sagas/{id}, the
 * timeline), its status and steps stay as they are, and it waits for an operator (a build that still
 * registers its version resumes it). The periodic recovery backs off from it like any failed run.
 */
async function refuseUnknownVersion(
  db: Database,
  saga: { id: string; definition: string; definitionVersion: string; status: string; error: string | null },
): Promise<UnknownDefinitionVersion> {
  const known = registeredVersions(saga.definition);
  const refusal = new UnknownDefinitionVersion(
    known.length === 0
      ? `Saga ${saga.id} is of the saga definition "${saga.definition}", which this build does not register; it is left as it stands for an operator`
      : `Saga ${saga.id} started under version ${saga.definitionVersion || "(none)"} of the "${saga.definition}" saga, which this build does not have ` +
        `(it has ${known.join(", ")}); it is left as it stands for an operator: resume it with a build that registers that version`,
  );
  // Said once in its error (a later try finds it there), and never over the error of a stuck saga, which
  // keeps why it is stuck: an operator's retry of one is answered with the refusal instead.
  if (saga.status !== "compensation_failed" && saga.error !== refusal.message) {
    await db.write((tx) => tx.saga.updateMany({ where: { id: saga.id }, data: { error: refusal.message } })).catch(() => undefined);
  }
  return refusal;
}

const WAIT_FOR_OTHER_MS = 250;

/**
 * Takes the saga's lease, or (`wait`) waits while another replica holds it: resolves "claimed", or with
 * how the saga ended (undefined when it is gone, or held by another and not waited for). A saga that
 * has already ended is answered as it stands, without a write.
 */
async function claimOrWait(db: Database, sagaId: string, wait: boolean): Promise<"claimed" | RunOutcome | undefined> {
  for (;;) {
    const loaded = await loadSaga(db.read, sagaId);
    if (!loaded) return undefined;
    if (!isInFlight(loaded.saga.status)) return { status: loaded.saga.status, steps: loaded.steps };
    if (await db.write((tx) => claimSaga(tx, sagaId, !db.replicated))) return "claimed";
    if (!wait) return undefined;
    if (isDraining()) throw new Interrupted();
    await sleep(WAIT_FOR_OTHER_MS);
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Exponential backoff with jitter; the jitter comes from the saga, step and attempt, so a run replays the same way. */
export function backoff(policy: RetryPolicy, attempt: number, seed: string): number {
  const base = Math.min(policy.maxBackoffMs, policy.backoffMs * 2 ** (attempt - 1));
  const jitter = createHash("sha256").update(`${seed}:${attempt}`).digest().readUInt16BE(0) / 0xffff;
  return base * (0.5 + jitter / 2);
}

class TimedOut extends TransientError {}

// A timeout shorter than this would fire before any real work could finish (e.g. with delays off).
const MIN_TIMEOUT_MS = 20;

// Injected faults, keyed by attempt number: the same request fails the same way every time.
function injectedFault(fault: Fault | undefined, phase: Phase, attempt: number): void {
  if (!fault) return;
  if (phase === "compensation") {
    if (attempt <= (fault.compensation_failures ?? 0)) throw new TransientError(`Injected compensation failure (attempt ${attempt})`);
    return;
  }
  if (fault.fail) throw new StepFailure("Injected failure");
  if (attempt <= (fault.transient ?? 0)) throw new TransientError(`Injected transient failure (attempt ${attempt})`);
}

type Phase = "action" | "compensation";

/** What the saga does next, from its status and its steps' (all as committed). */
type Move = { kind: Phase; position: number } | { kind: "compensating" | "completed" | "failed" } | { kind: "none" };

/** Thrown inside a transaction to roll back a step's local writes; `cause` is what the step threw. */
class StepThrew extends Error {}

/** A chained step threw: the chain rolls back, and the `completed` steps before it commit again alone. */
class ChainBroken extends Error {
  constructor(readonly completed: number) {
    super("a chained step threw");
  }
}

/** An attempt whose work is done, to commit: its context, and what its remote call answered. */
interface LocalAttempt<Subject> {
  phase: Phase;
  position: number;
  attempt: number;
  ctx: StepContext<Subject>;
  answer: Json | undefined;
  finished: (outcome: "completed" | "compensated") => void;
}

/** Shutdown stopped the run at a persisted point: its saga stays in flight, for the next start to resume. */
class Interrupted extends Error {}

/** The heartbeat found the saga's lease held by another process: this run stops at once, writing nothing. */
class LeaseLost extends Error {
  constructor(sagaId: string) {
    super(`Saga ${sagaId}: another process holds its lease now`);
  }
}

// A write the database refused is tried again after this, doubling each time, up to the maximum.
const DATABASE_RETRY_MS = 100;
const DATABASE_RETRY_MAX_MS = 5_000;

/** The state of a run that a transaction changes, restored if the transaction fails. */
interface RunState {
  status: SagaStatus;
  steps: StepRow[];
  /** A move whose write-ahead record the last transaction already committed, with its attempt number. */
  begun?: { kind: Phase; position: number; attempt: number };
  /** Step by step: the pause the last transaction recorded, if the saga waits. */
  waiting?: Waiting;
}

type AttemptResult = "next" | "retry" | "stuck";

/**
 * One run of one saga: drives it forward and, after a failure, backward. Every transaction goes through
 * `commit`, which then tells the live streams.
 */
class SagaRun<Subject> {
  private state: RunState;
  private readonly ids: Record<string, string>;
  // The compensation attempts a step had when this run first compensated it: each run (a resume, an
  // operator's retry) gets the policy's full number of attempts.
  private readonly compensationBase = new Map<number, number>();
  // Aborted (with LeaseLost) when the heartbeat finds that another process holds the saga now.
  private readonly lost = new AbortController();
  // The attempts that ran in the transaction that started the saga, to report once it has committed.
  private startedWith: (LocalAttempt<Subject> & { message: string | void | undefined })[] = [];
  // Step by step: when the backoff of a failed attempt ends (its retry waits for a continue as well).
  private backoffUntil = 0;

  constructor(
    private readonly db: Database,
    private readonly sagaId: string,
    private readonly subjectId: string,
    state: RunState,
    private readonly definition: SagaDefinition<Subject>,
    private readonly subject: Subject,
    private readonly options: RunOptions,
  ) {
    this.state = state;
    this.ids = { saga_id: sagaId, [`${definition.subject}_id`]: subjectId };
  }

  private static copy(state: RunState): RunState {
    return { status: state.status, steps: state.steps.map((row) => ({ ...row })), begun: state.begun && { ...state.begun }, waiting: state.waiting && { ...state.waiting } };
  }

  /**
   * One transaction of this run, then a word to the live streams. A fault of the database itself (a full
   * disk, a read-only or vanished file) is transient: the same transaction is tried again, with backoff,
   * until it commits or the process shuts down (Interrupted); /health meanwhile says writes are failing.
   */
  private async commit<T>(fn: (t: Transition) => Promise<T>): Promise<T> {
    for (let failures = 0; ; failures++) {
      this.stillHeld();
      const before = SagaRun.copy(this.state);
      try {
        const result = await this.db.write(async (tx) => {
          this.state = SagaRun.copy(before);
          const transition = new Transition(tx, this.sagaId, this.state.steps);
          const value = await fn(transition);
          await transition.save();
          return value;
        });
        if (failures > 0) log.info(`Saga ${this.sagaId}: the database takes writes again`, this.ids);
        publish({ type: "event", sagaId: this.sagaId });
        // A continue waits for its pause to be released: this commit released it.
        if (before.waiting && !this.state.waiting) nudge("released", this.sagaId);
        return result;
      } catch (error) {
        this.state = before;
        if (!isDatabaseFault(error)) throw error;
        if (isDraining()) throw new Interrupted();
        const wait = Math.min(DATABASE_RETRY_MAX_MS, DATABASE_RETRY_MS * 2 ** failures);
        log.warn(`Saga ${this.sagaId}: the database refused a write (${describeFault(error)}); trying again in ${wait} ms`, this.ids);
        await this.pause(wait);
      }
    }
  }

  private nextMove(): Move {
    const { status, steps } = this.state;
    if (status === "pending" || status === "processing") {
      const position = steps.findIndex((row) => row.status !== "completed");
      if (position < 0) return { kind: "completed" };
      // A failed step while processing cannot be left by this engine (a failure and `compensating`
      // commit together); kept so that such a saga still ends.
      if (steps[position].status === "failed") return { kind: "compensating" };
      return { kind: "action", position };
    }
    if (status === "compensating") {
      for (let position = steps.length - 1; position >= 0; position--) {
        const row = steps[position];
        if (row.status === "completed" || row.status === "compensating" || row.status === "compensation_failed") {
          return { kind: "compensation", position };
        }
      }
      return { kind: "failed" };
    }
    return { kind: "none" };
  }

  private async setStatus(t: Transition, status: SagaStatus, error?: string): Promise<void> {
    t.setSagaStatus(status, error);
    await this.definition.onStatus?.(t.tx, this.subjectId, status);
    this.state.status = status;
  }

  /** Writes the record that starts `move` (for a step: its next attempt, counted in memory as in the database). */
  private async begin(t: Transition, move: Move): Promise<void> {
    if (this.state.waiting) {
      t.stopWaiting();
      this.state.waiting = undefined;
    }
    if (move.kind === "action") {
      if (this.state.status === "pending") await this.setStatus(t, "processing");
      const attempt = this.state.steps[move.position].attempts + 1;
      t.stepRunning(move.position, attempt);
      this.state.begun = { kind: "action", position: move.position, attempt };
    } else if (move.kind === "compensation") {
      const row = this.state.steps[move.position];
      if (!this.compensationBase.has(move.position)) this.compensationBase.set(move.position, row.compensationAttempts);
      const attempt = row.compensationAttempts + 1;
      t.stepCompensating(move.position, attempt);
      this.state.begun = { kind: "compensation", position: move.position, attempt };
    } else if (move.kind !== "none") {
      await this.setStatus(t, move.kind);
    }
  }

  /**
   * Inside an outcome's transaction: records the next move too, unless the process is shutting down.
   * Step by step, it records the pause before that move instead: the move begins once continued.
   */
  private async beginNext(t: Transition): Promise<void> {
    const move = this.nextMove();
    if (this.stepping) return this.waitBefore(t, move);
    if (move.kind === "action" || move.kind === "compensation") {
      if (!isDraining()) await this.begin(t, move);
    } else {
      await this.begin(t, move);
    }
  }

  get status(): SagaStatus {
    return this.state.status;
  }

  private get stepping(): boolean {
    return this.options.step_by_step === true;
  }

  /** What a pause before `move` says it waits before: a step's name and phase, or the status the saga moves to. */
  private waitsBefore(move: Move): Pick<Waiting, "before" | "phase"> | undefined {
    if (move.kind === "none") return undefined;
    if (move.kind === "action" || move.kind === "compensation") return { before: this.definition.steps[move.position].name, phase: move.kind };
    return { before: move.kind, phase: "saga" };
  }

  /** Inside a transaction, step by step: the saga waits before `move` from now until the pause times out. */
  private waitBefore(t: Transition, move: Move): void {
    const what = this.waitsBefore(move);
    if (!what) return;
    const waiting = { ...what, since: t.at, until: new Date(t.at.getTime() + stepTimeoutMs(this.options)) };
    t.waitBefore(waiting);
    this.state.waiting = waiting;
  }

  /**
   * Step by step, before `move` begins: waits until an operator continues the saga or the pause times
   * out. The pause is normally recorded already, with the outcome before it; a run that resumes a saga
   * cut off mid-step (or an operator's retry of a stuck one) records it first. Shutdown stops the wait
   * (Interrupted: the saga stays waiting, and the next start waits again), and so does the loss of the
   * lease (another replica drives the saga now).
   */
  private async waitTurn(move: Move): Promise<void> {
    const what = this.waitsBefore(move);
    if (!what) return;
    const recorded = this.state.waiting;
    if (!recorded || recorded.before !== what.before || recorded.phase !== what.phase) {
      await this.commit(async (t) => this.waitBefore(t, move));
    }
    const { before, phase, until } = this.state.waiting!;
    log.info(`Saga ${this.sagaId} waits before ${phase === "saga" ? `becoming ${before}` : `${phase === "compensation" ? "compensating " : ""}${before}`} (step by step), until continued or ${until.toISOString()}`, this.ids);
    try {
      await awaitContinue(this.db, this.sagaId, AbortSignal.any([shutdown.signal, this.lost.signal]));
    } catch (error) {
      if (isDraining()) throw new Interrupted();
      this.stillHeld();
      throw error;
    }
    // A retried attempt still waits out its backoff, counted from the failure.
    const backoffLeft = this.backoffUntil - Date.now();
    this.backoffUntil = 0;
    if (backoffLeft > 0) await this.pause(backoffLeft);
    if (isDraining()) throw new Interrupted();
  }

  /**
   * In the transaction that records the saga (see recordSagas): its first move begun, and the steps
   * with nothing to wait for run at once, at most `limit` of them. The subject was recorded with the
   * status this gives the saga, so its `onStatus` is not called for it.
   */
  async start(t: Transition, limit: number): Promise<void> {
    const move = this.nextMove();
    // Step by step, the saga is recorded pending, waiting before its first move.
    if (this.stepping) return this.waitBefore(t, move);
    if (move.kind !== "action") return;
    t.setSagaStatus("processing");
    this.state.status = "processing";
    t.stepRunning(move.position, 1);
    this.state.begun = { kind: "action", position: move.position, attempt: 1 };
    const done = this.startedWith;
    for (let next = done.length < limit ? this.chained() : undefined; next; next = done.length < limit ? this.chained() : undefined) {
      try {
        done.push({ ...next, message: await this.local(t, next) });
      } catch (error) {
        if (error instanceof StepThrew) throw new ChainBroken(done.length);
        throw error;
      }
    }
  }

  /** Drives the saga to an end and resolves with how it ended; Interrupted when shutdown stops it first. */
  async run(isNew = false): Promise<RunOutcome> {
    // With other replicas about (PostgreSQL), a heartbeat keeps the lease while a step takes its time
    // (a slow service, a long backoff); every commit extends it too. One process alone needs none.
    // A heartbeat that finds the lease gone (this process paused past it, and another replica took the
    // saga) stops the run at once: the step's work and remote call are cut off, and nothing more is written.
    const heartbeat =
      this.db.replicated
        ? setInterval(() => {
            if (this.lost.signal.aborted) return;
            this.db
              .write(async (tx) => (await renewLease(tx, this.sagaId)) || ((await tx.saga.count({ where: { id: this.sagaId } })) === 0 ? "gone" : false))
              .then(
                (held) => {
                  // Not held: another replica took it, or a reset removed it (which the run says apart).
                  if (held !== true) this.lost.abort(held === "gone" ? new SagaVanished(this.sagaId) : new LeaseLost(this.sagaId));
                },
                () => undefined,
              );
          }, leaseMs() / 3)
        : undefined;
    heartbeat?.unref();
    try {
      return await this.drive(isNew);
    } finally {
      clearInterval(heartbeat);
    }
  }

  /** Throws LeaseLost once the heartbeat has found that another process holds the saga now. */
  private stillHeld(): void {
    if (this.lost.signal.aborted) throw this.lost.signal.reason;
  }

  /** Waits (a backoff), unless shutdown or the loss of the lease cuts it short. */
  private async pause(ms: number): Promise<void> {
    await work(ms, AbortSignal.any([shutdown.signal, this.lost.signal])).catch(() => undefined);
    this.stillHeld();
  }

  private async drive(isNew: boolean): Promise<RunOutcome> {
    if (isNew || this.state.status === "pending") {
      log.info(`Starting saga ${this.sagaId} for ${this.definition.subject} ${this.subjectId}`, this.ids);
      countSaga("started");
    }
    if (this.startedWith.length > 0) {
      for (const done of this.startedWith) this.reportDone(done, true);
      this.startedWith = [];
      this.announce();
    }
    for (;;) {
      const move = this.nextMove();
      if (move.kind === "none") return { status: this.state.status, steps: this.state.steps };
      if (move.kind !== "action" && move.kind !== "compensation") {
        if (this.stepping) await this.waitTurn(move);
        await this.commit((t) => this.begin(t, move));
        this.announce();
        continue;
      }
      if (isDraining()) throw new Interrupted();
      this.stillHeld();
      const begun = this.state.begun;
      let attempt: number;
      if (begun && begun.kind === move.kind && begun.position === move.position) {
        attempt = begun.attempt;
      } else {
        if (this.stepping) await this.waitTurn(move);
        await this.commit((t) => this.begin(t, move));
        attempt = this.state.begun!.attempt;
      }
      this.state.begun = undefined;
      const result = await this.attempt(move.kind, move.position, attempt);
      if (result === "stuck") return { status: this.state.status, steps: this.state.steps };
    }
  }

  /** Logs and counts a saga that has just reached an end. */
  private announce(): void {
    const { status } = this.state;
    if (status === "completed") {
      countSaga("completed");
      log.info(`Saga ${this.sagaId} completed successfully`, this.ids);
    } else if (status === "failed") {
      countSaga("failed");
      log.info(`Saga ${this.sagaId} failed: compensation complete`, this.ids);
    }
  }

  /** What a step's action or compensation is given, for attempt number `attempt`. */
  private context(phase: Phase, position: number, attempt: number, signal: AbortSignal): StepContext<Subject> {
    return {
      subject: this.subject,
      sagaId: this.sagaId,
      idempotencyKey: `${this.sagaId}:${position}:${phase}`,
      attempt,
      signal,
      answer: phase === "action" ? undefined : parseAnswer(this.state.steps[position].output),
    };
  }

  /**
   * One attempt at a step's action or compensation, whose write-ahead record has committed: its check,
   * its (simulated) work and its remote call, then one transaction with its local writes, its outcome
   * and the next move. One loop serves both phases; they differ only in what a failure means.
   */
  private async attempt(phase: Phase, position: number, attempt: number): Promise<AttemptResult> {
    const step = this.definition.steps[position];
    const isAction = phase === "action";
    const finished = startAttempt(phase, step.name);
    this.logAttempt(phase, position, attempt);

    const fault = this.options.faults?.[step.name];
    const call = isAction ? step.call : step.compensateCall;
    // A real service answers in real time; a simulated step's timeout scales with its simulated work.
    const limitMs = call ? step.timeoutMs : Math.max(scaled(step.timeoutMs, this.options), MIN_TIMEOUT_MS);
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(new TimedOut(`Timed out after ${Math.round(limitMs)} ms`)), limitMs);
    const ctx = this.context(phase, position, attempt, AbortSignal.any([timeout.signal, shutdown.signal, this.lost.signal]));

    let failure: unknown;
    let answer: Json | undefined;
    try {
      injectedFault(fault, phase, attempt);
      const hangs = isAction && attempt <= (fault?.timeouts ?? 0);
      const duration = hangs ? Infinity : scaled(step.durationMs, this.options);
      // The check exists to fail before slow work; with none to come, the action finds the same failure itself.
      if (isAction && step.check && (duration > 0 || call)) await step.check(this.db.read, ctx);
      await work(duration, ctx.signal);
      if (call) answer = (await call(ctx)) ?? undefined;
    } catch (error) {
      failure = error;
    } finally {
      clearTimeout(timer);
    }
    // Cut off by shutdown: nothing of this attempt is committed; the next start makes it again. Cut off
    // by the loss of the lease: the replica that holds it now makes it again.
    if (isDraining()) throw new Interrupted();
    this.stillHeld();
    if (failure !== undefined && timeout.signal.aborted) failure = timeout.signal.reason;

    if (failure === undefined) {
      try {
        const done = await this.finish({ phase, position, attempt, ctx, answer, finished });
        for (const [index, attemptDone] of done.entries()) this.reportDone(attemptDone, index > 0);
        this.announce();
        return "next";
      } catch (error) {
        if (!(error instanceof StepThrew)) throw error;
        failure = error.cause;
      }
    }
    return this.failed(phase, position, step, attempt, failure, finished);
  }

  private logAttempt(phase: Phase, position: number, attempt: number): void {
    const step = this.definition.steps[position];
    const again = attempt > 1 ? ` (attempt ${attempt})` : "";
    if (phase === "action") log.info(`Executing step ${step.name}${again}`, this.ids);
    else log.info(`Compensating step ${step.name} (${step.compensation})${again}`, this.ids);
  }

  /** After the commit: the metrics, and the log lines of a finished attempt (a chained one's first line too). */
  private reportDone({ phase, position, attempt, message, finished }: LocalAttempt<Subject> & { message: string | void | undefined }, chained: boolean): void {
    const step = this.definition.steps[position];
    if (chained) this.logAttempt(phase, position, attempt);
    finished(phase === "action" ? "completed" : "compensated");
    if (message) services.info(message, { ...this.ids, step: phase === "action" ? step.name : step.compensation });
    if (phase === "action") log.info(`Step ${step.name} completed`, this.ids);
  }

  /**
   * Commits a successful attempt's local writes, its outcome and the next move, in one transaction. When
   * the next move is a step with nothing to wait for (no simulated work, no remote call, no injected
   * fault), it runs in the same transaction, and so on: with the delays off, a saga of local steps costs
   * one transaction instead of one per step. Nothing acts outside the database between such steps, so a
   * crash still loses nothing (the chain commits whole or not at all, and a resume starts where the last
   * commit left the saga). A chained step that fails rolls the whole chain back: the steps before it
   * commit again without it, and it is then attempted on its own (as every attempt is, when not chained).
   */
  private async finish(first: LocalAttempt<Subject>, limit = Infinity): Promise<(LocalAttempt<Subject> & { message: string | void | undefined })[]> {
    try {
      return await this.commit(async (t) => {
        const done = [{ ...first, message: await this.local(t, first) }];
        for (let next = done.length <= limit ? this.chained() : undefined; next; next = done.length <= limit ? this.chained() : undefined) {
          try {
            done.push({ ...next, message: await this.local(t, next) });
          } catch (error) {
            if (error instanceof StepThrew) throw new ChainBroken(done.length - 1);
            throw error;
          }
        }
        return done;
      });
    } catch (error) {
      if (!(error instanceof ChainBroken)) throw error;
      return this.finish(first, error.completed);
    }
  }

  /** The move the transaction has just begun, as an attempt to run in it too; undefined if it must wait. */
  private chained(): LocalAttempt<Subject> | undefined {
    const begun = this.state.begun;
    if (!begun || isDraining()) return undefined;
    const step = this.definition.steps[begun.position];
    const call = begun.kind === "action" ? step.call : step.compensateCall;
    if (call || scaled(step.durationMs, this.options) > 0 || this.options.faults?.[step.name]) return undefined;
    this.state.begun = undefined;
    const { kind: phase, position, attempt } = begun;
    return { phase, position, attempt, ctx: this.context(phase, position, attempt, shutdown.signal), answer: undefined, finished: startAttempt(phase, step.name) };
  }

  /** Inside a transaction: an attempt's local writes, its outcome, and the next move begun. */
  private async local(t: Transition, { phase, position, ctx, answer }: LocalAttempt<Subject>): Promise<string | void | undefined> {
    const step = this.definition.steps[position];
    const isAction = phase === "action";
    const fn = isAction ? step.action : step.compensate;
    let line: string | void | undefined;
    try {
      line = fn ? await fn(t.tx, isAction ? { ...ctx, answer } : ctx) : undefined;
    } catch (error) {
      // The database failing under the step's writes is the database's fault, not the step's.
      if (isDatabaseFault(error)) throw error;
      throw new StepThrew("step threw", { cause: error });
    }
    const output = answer === undefined ? undefined : JSON.stringify(answer);
    const detail = line || undefined;
    if (isAction) t.stepFinished(position, { output, detail });
    else t.compensationFinished(position, { output, detail });
    await this.beginNext(t);
    return line;
  }

  /** Records a failed attempt: to be retried after a backoff, or given up (the step failed, or stuck). */
  private async failed(
    phase: Phase,
    position: number,
    step: SagaStep<Subject>,
    attempt: number,
    failure: unknown,
    finished: (outcome: "failed" | "stuck" | "retry") => void,
  ): Promise<AttemptResult> {
    const isAction = phase === "action";
    const business = isAction && isStepFailure(failure);
    const expected = isStepFailure(failure) || isTransient(failure);
    const reason = expected ? describe(failure) : `Unexpected error: ${describe(failure)}`;
    if (!expected) log.error(`${isAction ? "Step" : "Compensation"} ${isAction ? step.name : step.compensation} raised an unexpected error: ${describe(failure)}`, this.ids);
    const policy = isAction ? step.retry : step.compensationRetry;
    const limit = isAction ? policy.attempts : (this.compensationBase.get(position) ?? 0) + policy.attempts;

    if (!business && attempt < limit) {
      await this.commit(async (t) => {
        t.retrying(position, phase, reason);
        // Step by step, the next attempt waits for a continue too (and for its backoff: see waitTurn).
        if (this.stepping) this.waitBefore(t, { kind: phase, position });
      });
      finished("retry");
      const wait = scaled(backoff(policy, attempt, `${this.sagaId}:${position}${isAction ? "" : ":undo"}`), this.options);
      const what = isAction ? `Step ${step.name}` : `Compensation ${step.compensation}`;
      log.warn(`${what} attempt ${attempt} failed (${reason}); retrying in ${Math.round(wait)} ms`, this.ids);
      if (this.stepping) this.backoffUntil = Date.now() + wait;
      else await this.pause(wait);
      return "retry";
    }

    if (isAction) {
      const final = business ? reason : `${reason} (gave up after ${attempt} attempts)`;
      await this.commit(async (t) => {
        t.stepFinished(position, { error: final });
        await this.setStatus(t, "compensating", final);
        await this.beginNext(t);
      });
      finished("failed");
      log.info(`Step ${step.name} failed: ${final}`, this.ids);
      log.info(`Saga ${this.sagaId} compensating: running compensations in reverse order`, this.ids);
      this.announce();
      return "next";
    }

    const final = `${step.compensation} failed: ${reason} (gave up after ${attempt} attempts)`;
    await this.commit(async (t) => {
      t.compensationFinished(position, { error: final });
      await this.setStatus(t, "compensation_failed", final);
    });
    finished("stuck");
    countSaga("stuck");
    log.error(`Saga ${this.sagaId} needs an operator: ${final}`, this.ids);
    return "stuck";
  }
}

function parseAnswer(output: string | null): Json | undefined {
  if (output === null) return undefined;
  try {
    return JSON.parse(output) as Json;
  } catch {
    return undefined;
  }
}

/**
 * An operator's retry of a saga stuck in compensation_failed: back to compensating, and on with the
 * compensations, each with a fresh round of attempts. Resolves with the saga's new status, or
 * undefined when there is no such saga; a saga that is not stuck is left alone. Rejects with
 * UnknownDefinitionVersion, the saga left as it was, when this build lacks the version it started under.
 */
export async function retrySaga(sagaId: string): Promise<SagaStatus | undefined> {
  const db = await database();
  const loaded = await loadSaga(db.read, sagaId);
  if (!loaded) return undefined;
  if (loaded.saga.status !== "compensation_failed") return loaded.saga.status;
  const definition = findDefinition(loaded.saga.definition, loaded.saga.definitionVersion);
  // Its compensations cannot run under another version's steps: it stays stuck as it is, and the
  // operator is told why (UnknownDefinitionVersion).
  if (!definition) {
    const refusal = await refuseUnknownVersion(db, loaded.saga);
    log.error(refusal.message, { saga_id: sagaId });
    throw refusal;
  }
  try {
    await db.write(async (tx) => {
      const t = new Transition(tx, sagaId, loaded.steps);
      // Only a saga still stuck: a retry asked twice at once (two replicas) runs once.
      t.claimLease("compensation_failed");
      // The saga's error goes back to why it compensated (the failed step's), from the compensation's.
      t.setSagaStatus("compensating", loaded.steps.find((step) => step.status === "failed")?.error ?? undefined);
      await definition?.onStatus?.(tx, loaded.saga.subjectId, "compensating");
      await t.save();
    });
  } catch (error) {
    // Gone, or no longer stuck: another retry (on another replica) took it first.
    if (error instanceof SagaVanished) return (await loadSaga(db.read, sagaId))?.saga.status;
    throw error;
  }
  publish({ type: "event", sagaId });
  log.info(`Saga ${sagaId}: an operator retries its compensation`, { saga_id: sagaId });
  return runSaga(sagaId);
}
