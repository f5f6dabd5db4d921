/**
 * Prometheus metrics of the saga engine, through prom-client, served at GET /metrics (and /api/metrics).
 *
 *   saga_started_total, saga_completed_total, saga_failed_total, saga_stuck_total   sagas, by how they ended
 *   sagas_stuck                                  stuck right now, read from the database at each scrape
 *   step_attempts_total{step,outcome}            each attempt at an action: completed | failed | retried
 *   compensation_attempts_total{step,outcome}    the same for compensations (failed = gave up: stuck)
 *   step_retries_total{step,phase}               attempts that will be retried, phase = action | compensation
 *   step_duration_seconds{step}, compensation_duration_seconds{step}
 *                                                one observation per attempt, from its start to its outcome
 *   db_transactions_total, db_statements_total   what the data layer has done (the bench divides by sagas)
 *   service_calls_total{service,outcome}         calls of a service (lib/services/client.ts): answered |
 *                                                refused (a 4xx) | unavailable (no answer, a 5xx) | fast_failed (open breaker)
 *   service_replays_total{service}               answers a service gave from its record of the key
 *   service_call_duration_seconds{service}       one observation per call that reached the service
 *   service_breaker_state{service,state}         1 for the breaker's state now (closed | open | half_open), 0 for the others
 * and prom-client's default process metrics. Counters count this process's work since it started, as
 * Prometheus expects of counters; the gauge of stuck sagas comes from the database, so it survives restarts.
 */
import client from "prom-client";
import { openedDatabase, type Database } from "../db/client";
import { countStuckSagas } from "./store";

export type AttemptPhase = "action" | "compensation";
/** How an attempt ended: the orchestrator's own outcome names, "retry" included. */
export type AttemptOutcome = "completed" | "compensated" | "failed" | "stuck" | "retry";
export type SagaOutcome = "started" | "completed" | "failed" | "stuck";

const breakerStates = ["closed", "open", "half_open"] as const;

function createMetrics() {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const sagas: Record<SagaOutcome, client.Counter> = {
    started: new client.Counter({ name: "saga_started_total", help: "Sagas started", registers }),
    completed: new client.Counter({ name: "saga_completed_total", help: "Sagas completed", registers }),
    failed: new client.Counter({ name: "saga_failed_total", help: "Sagas failed, every completed step compensated", registers }),
    stuck: new client.Counter({
      name: "saga_stuck_total",
      help: "Sagas stopped in compensation_failed: a compensation gave up",
      registers,
    }),
  };
  new client.Gauge({
    name: "sagas_stuck",
    help: "Sagas in compensation_failed now, waiting for an operator (from the database)",
    registers,
    async collect() {
      // A scrape must answer even when the database does not (GET /health says why); the last count stays.
      try {
        const db = await openedDatabase();
        if (db) this.set(await countStuckSagas(db.read));
      } catch {}
    },
  });
  // What the data layer has done, read from its own counters at each scrape: how many transactions and
  // SQL statements a saga costs is a figure of the bench.
  const fromDatabase = (name: string, help: string, read: (stats: Database["stats"]) => number) =>
    new client.Counter({
      name,
      help,
      registers,
      async collect() {
        const db = await openedDatabase();
        if (db) {
          this.reset();
          this.inc(read(db.stats));
        }
      },
    });
  fromDatabase(
    "db_transactions_total",
    "Write transactions committed by this process on its database (the services' thread writes its own apart)",
    (stats) => stats.transactions,
  );
  fromDatabase(
    "db_commits_total",
    "Commits of its database by this process (a group commit takes in several transactions)",
    (stats) => stats.commits,
  );
  fromDatabase(
    "db_statements_total",
    "SQL statements run by this process on its database (both connections, transaction control included)",
    (stats) => stats.statements,
  );
  const attempts = (name: string, help: string) => new client.Counter({ name, help, labelNames: ["step", "outcome"], registers });
  const durations = (name: string, help: string) => new client.Histogram({ name, help, labelNames: ["step"], registers });
  return {
    registry,
    sagas,
    attempts: {
      action: attempts("step_attempts_total", "Attempts at a step's action, by outcome: completed, failed or retried"),
      compensation: attempts(
        "compensation_attempts_total",
        "Attempts at a step's compensation, by outcome: completed, failed (gave up) or retried",
      ),
    },
    durations: {
      action: durations("step_duration_seconds", "Duration of each attempt at a step's action, from its start to its outcome"),
      compensation: durations(
        "compensation_duration_seconds",
        "Duration of each attempt at a step's compensation, from its start to its outcome",
      ),
    },
    retries: new client.Counter({
      name: "step_retries_total",
      help: "Failed attempts that are retried, by step and phase",
      labelNames: ["step", "phase"],
      registers,
    }),
    serviceCalls: new client.Counter({
      name: "service_calls_total",
      help: "Calls of a service, by outcome: answered, refused (a 4xx), unavailable (no answer or a 5xx), fast_failed (its breaker was open)",
      labelNames: ["service", "outcome"],
      registers,
    }),
    serviceReplays: new client.Counter({
      name: "service_replays_total",
      help: "Answers a service gave from its record of an earlier request with the same Idempotency-Key",
      labelNames: ["service"],
      registers,
    }),
    abandoned: new client.Counter({
      name: "service_requests_abandoned_total",
      help: "Requests a service (served by this process) stopped before doing anything, because the caller gave up on them (its timeout)",
      labelNames: ["service"],
      registers,
    }),
    serviceDurations: new client.Histogram({
      name: "service_call_duration_seconds",
      help: "Duration of each call that reached a service, until its answer or its failure",
      labelNames: ["service"],
      registers,
    }),
    breakerStates: new client.Gauge({
      name: "service_breaker_state",
      help: "A service's circuit breaker: 1 for its state now (closed, open or half_open), 0 for the others",
      labelNames: ["service", "state"],
      registers,
      collect() {
        // An open breaker turns half-open with time, not with an event: read at each scrape.
        for (const [service, now] of Object.entries(globalForMetrics.sagaStudioBreakerStates?.() ?? {}))
          for (const state of breakerStates) this.set({ service, state }, state === now ? 1 : 0);
      },
    }),
  };
}

// One registry per process, on globalThis: Next bundles instrumentation.ts (which resumes sagas at start)
// and each route separately, each with its own copy of this module, and all must count into one registry.
const globalForMetrics = globalThis as unknown as {
  sagaStudioMetrics?: ReturnType<typeof createMetrics>;
  sagaStudioBreakerStates?: () => Record<string, (typeof breakerStates)[number]>;
};
const metrics = (globalForMetrics.sagaStudioMetrics ??= createMetrics());

export function countSaga(outcome: SagaOutcome): void {
  metrics.sagas[outcome].inc();
}

const outcomeLabel: Record<AttemptOutcome, "completed" | "failed" | "retried"> = {
  completed: "completed",
  compensated: "completed",
  failed: "failed",
  stuck: "failed",
  retry: "retried",
};

/** Call when an attempt starts; call what it returns with the attempt's outcome once that has committed. */
export function startAttempt(phase: AttemptPhase, step: string): (outcome: AttemptOutcome) => void {
  const observe = metrics.durations[phase].startTimer({ step });
  return (outcome) => {
    observe();
    metrics.attempts[phase].inc({ step, outcome: outcomeLabel[outcome] });
    if (outcome === "retry") metrics.retries.inc({ step, phase });
  };
}

export type ServiceCallOutcome = "answered" | "refused" | "unavailable" | "fast_failed";

/** Counts a call of a service; `seconds` when it reached the service (a fast failure did not). */
export function countServiceCall(service: string, outcome: ServiceCallOutcome, seconds?: number, replayed = false): void {
  metrics.serviceCalls.inc({ service, outcome });
  if (seconds !== undefined) metrics.serviceDurations.observe({ service }, seconds);
  if (replayed) metrics.serviceReplays.inc({ service });
}

// In the services' own thread (lib/services/thread.ts), where their requests are counted instead: the
// thread hands each count to the main thread, whose registry /metrics reads.
let abandonedElsewhere: ((service: string) => void) | undefined;

/** In the services' thread: counts go to `sink` (a message to the main thread), not to this thread's registry. */
export function countAbandonedRequestsIn(sink: (service: string) => void): void {
  abandonedElsewhere = sink;
}

/** Counts a request a service of this process abandoned because its caller had gone. */
export function countAbandonedRequest(service: string): void {
  if (abandonedElsewhere) abandonedElsewhere(service);
  else metrics.abandoned.inc({ service });
}

/** Where the scrape reads each service's breaker state from (lib/services/client.ts says, as it loads). */
export function readBreakerStatesFrom(read: () => Record<string, (typeof breakerStates)[number]>): void {
  globalForMetrics.sagaStudioBreakerStates = read;
}

/** The exposition, in Prometheus's text format, with its content type. */
export async function scrape(): Promise<{ contentType: string; body: string }> {
  return { contentType: metrics.registry.contentType, body: await metrics.registry.metrics() };
}
