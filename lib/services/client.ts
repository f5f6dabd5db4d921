/**
 * How the orchestrator calls a service: over HTTP, with the step's Idempotency-Key, the demo world in its
 * header, and the step's AbortSignal (its timeout cancels the request), through the service's circuit
 * breaker. A service answers where SAGA_<SERVICE>_URL says (SAGA_PAYMENT_URL, ...), else where
 * SAGA_SERVICES_URL says, else on the loopback listener of this process's services thread (thread.ts: the
 * default, one process serves all).
 *
 * Failures at the boundary can be staged on purpose, per request: a lost answer (the service commits, and
 * the connection drops before its answer is read) and a duplicate delivery (the request arrives twice).
 */
import { positiveSetting } from "../db/config";
import { isTransient, TransientError } from "../saga/definition";
import { countServiceCall, readBreakerStatesFrom } from "../saga/metrics";
import type { ServicesStatus } from "../api/responses";
import { CircuitBreaker, type BreakerView } from "./breaker";
import { SIMULATE_HEADER, WORLD_HEADER } from "./http";
import { exchange, failureReason, type Reply } from "./transport";

export const serviceNames = ["inventory", "payment", "shipping"] as const;
export type ServiceName = (typeof serviceNames)[number];

export interface ServiceRequest {
  service: ServiceName;
  /** The endpoint under /services/<service>/: "charges", "refunds", ... */
  path: string;
  body: unknown;
  key: string;
  world: string;
  signal: AbortSignal;
  /** Staged: the service does the work, and its answer is lost on the way back. */
  loseAnswer?: boolean;
  /** Staged: the same request is delivered twice at once; the first answer is heard. */
  duplicate?: boolean;
  /** Staged: the service is down for this request (it answers 503 and does nothing; see SIMULATE_HEADER). */
  unavailable?: boolean;
  /** Staged: the service is slow, past the step's timeout, for this request (see SIMULATE_HEADER). */
  slow?: boolean;
}

/** What a service answered: a success or a refusal (a 4xx); a 5xx or no answer at all is thrown instead. */
export interface ServiceAnswer {
  status: number;
  body: unknown;
  /** True when the service answered from its record of an earlier request with the same key. */
  replayed: boolean;
}

/**
 * No answer from a service (refused, reset, lost) or a 5xx: transient, retried with the step's backoff.
 * A request of the app's own that meets it answers 503 (lib/api/handler.ts knows it by its code).
 */
export class ServiceUnavailable extends TransientError {
  readonly code = "SERVICE_UNAVAILABLE";
}

// The listener of this process's services thread (thread.ts), once start-thread.ts has started it, and
// the count of the commits of their data, which the thread keeps.
const globalForListener = globalThis as unknown as { sagaStudioServicesListener?: string; sagaStudioServicesCommits?: Int32Array };

/**
 * The services answer at `url` too (this process's own thread): where the saga calls those configured
 * nowhere else. `commits` is where the thread counts the commits of their data.
 */
export function callServicesAt(url: string, commits?: Int32Array): void {
  globalForListener.sagaStudioServicesListener = url;
  globalForListener.sagaStudioServicesCommits = commits;
}

/**
 * How many times the services of this process's thread have committed their data: a version of it,
 * which moves with every write, whoever sent it (a saga's step, curl on either port). Undefined when the
 * services run elsewhere, or on PostgreSQL (other replicas' services write the same data): it can change unseen.
 */
export function servicesDataVersion(): number | undefined {
  const commits = globalForListener.sagaStudioServicesCommits;
  return commits && Atomics.load(commits, 0);
}

/** Where this process's own services listen (their thread: start-thread.ts), if it runs them. */
export function ownServicesUrl(): string | undefined {
  return globalForListener.sagaStudioServicesListener;
}

/** Whether some service answers nowhere but in this process (no SAGA_<SERVICE>_URL, no SAGA_SERVICES_URL). */
export function someServiceHere(env: Record<string, string | undefined> = process.env): boolean {
  return !env.SAGA_SERVICES_URL && serviceNames.some((service) => !env[`SAGA_${service.toUpperCase()}_URL`]);
}

/**
 * Where a service answers: SAGA_<SERVICE>_URL, else SAGA_SERVICES_URL, else this process's own listener
 * for the services, else this server's own port (the services answer under /services/ there too).
 */
export function serviceUrl(service: ServiceName, env: Record<string, string | undefined> = process.env): string {
  const own = env[`SAGA_${service.toUpperCase()}_URL`];
  const base = own ?? env.SAGA_SERVICES_URL ?? globalForListener.sagaStudioServicesListener ?? `http://127.0.0.1:${env.PORT || 8000}`;
  return `${base.replace(/\/+$/, "")}/services/${service}`;
}

// One breaker per service in this process, on globalThis (Next.js bundles each route apart).
const globalForBreakers = globalThis as unknown as { sagaStudioBreakers?: Map<ServiceName, CircuitBreaker> };
const breakers = (globalForBreakers.sagaStudioBreakers ??= new Map());

/**
 * SAGA_BREAKER_FAILURES transport failures in a row (5) open a breaker, for SAGA_BREAKER_COOLDOWN_SECONDS
 * (5). Anything but positive numbers stops the start (instrumentation.ts).
 */
export function breakerSettings(env: Record<string, string | undefined> = process.env): { failures: number; coolDownMs: number } {
  return {
    failures: positiveSetting(env, "SAGA_BREAKER_FAILURES", 5, true),
    coolDownMs: positiveSetting(env, "SAGA_BREAKER_COOLDOWN_SECONDS", 5, false) * 1000,
  };
}

/**
 * A call of a service times out after this by default, in real time: the service's work, and its queue
 * under load.
 */
export const SERVICE_TIMEOUT_MS = 5_000;

/** How long a call of a service may take before it is cancelled (SAGA_SERVICE_TIMEOUT_SECONDS, default 5), in ms. */
export function serviceTimeoutMs(env: Record<string, string | undefined> = process.env): number {
  return positiveSetting(env, "SAGA_SERVICE_TIMEOUT_SECONDS", SERVICE_TIMEOUT_MS / 1000, false) * 1000;
}

/** The service's breaker (breakerSettings). */
export function breakerOf(service: ServiceName): CircuitBreaker {
  let breaker = breakers.get(service);
  if (!breaker) {
    const { failures, coolDownMs } = breakerSettings();
    breaker = new CircuitBreaker(service, failures, coolDownMs);
    breakers.set(service, breaker);
  }
  return breaker;
}

export function breakerViews(): Record<ServiceName, BreakerView> {
  return Object.fromEntries(serviceNames.map((service) => [service, breakerOf(service).view()])) as Record<ServiceName, BreakerView>;
}

/** A failure the breaker counts: no answer (refused, reset, lost, past the step's timeout), or a 5xx. */
function isTransportFailure(error: unknown): boolean {
  return error instanceof ServiceUnavailable;
}

/** The step's signal fired: at its timeout the service was too slow (a transport failure); else (shutdown) its reason. */
function cutOff(signal: AbortSignal, what: string): unknown {
  return isTransient(signal.reason) ? new ServiceUnavailable(`${what}: ${(signal.reason as Error).message}`) : signal.reason;
}

type CallOutcome = "answered" | "refused" | "unavailable" | "fast_failed";
interface Tally {
  calls: Record<CallOutcome, number>;
  replays: number;
  last?: CallOutcome;
}
// What this process's calls of each service came to, on globalThis like the breakers, for GET /api/services.
const globalForTallies = globalThis as unknown as { sagaStudioServiceTallies?: Map<ServiceName, Tally> };
const tallies = (globalForTallies.sagaStudioServiceTallies ??= new Map());

function tallyOf(service: ServiceName): Tally {
  let tally = tallies.get(service);
  if (!tally) {
    tally = { calls: { answered: 0, refused: 0, unavailable: 0, fast_failed: 0 }, replays: 0 };
    tallies.set(service, tally);
  }
  return tally;
}

/** Counts a call in /metrics and in the tally GET /api/services shows. */
function counted(service: ServiceName, outcome: CallOutcome, started: number | undefined, replayed = false): void {
  countServiceCall(service, outcome, started === undefined ? undefined : (performance.now() - started) / 1000, replayed);
  const tally = tallyOf(service);
  tally.calls[outcome]++;
  if (replayed) tally.replays++;
  // A fast failure says nothing new of the service itself: its health stays what the last real call found.
  if (outcome !== "fast_failed") tally.last = outcome;
}

/** Each service as this process's orchestrator has seen it: its health by its last call, its breaker, its calls. */
export function serviceStatus(): ServicesStatus {
  return {
    services: serviceNames.map((name) => {
      const { calls, replays, last } = tallyOf(name);
      const breaker = breakerOf(name).view();
      return {
        name,
        url: serviceUrl(name),
        health: last === undefined ? "unknown" : last === "unavailable" ? "down" : "up",
        breaker: breaker.state,
        failures_in_a_row: breaker.failures,
        calls: { ...calls },
        replays,
      };
    }),
  };
}

readBreakerStatesFrom(() => Object.fromEntries(serviceNames.map((service) => [service, breakerOf(service).state])));

/** Calls a service once (twice, for a staged duplicate delivery), through its breaker; /metrics counts it. */
export async function callService(request: ServiceRequest): Promise<ServiceAnswer> {
  const { service } = request;
  let started: number | undefined;
  try {
    const answer = await breakerOf(service).run(async () => {
      started = performance.now();
      if (!request.duplicate) return send(request);
      const [first] = await Promise.all([send(request), send({ ...request, loseAnswer: false })]);
      return first;
    }, isTransportFailure);
    counted(service, answer.status < 400 ? "answered" : "refused", started, answer.replayed);
    return answer;
  } catch (error) {
    counted(service, started === undefined ? "fast_failed" : "unavailable", started);
    // The failure that opened the breaker says when to come back, as the breaker's own refusals do.
    const { openUntil } = breakerOf(service).view();
    if (error instanceof TransientError && openUntil !== undefined) error.retryAfterMs = Math.max(0, openUntil - Date.now());
    throw error;
  }
}

async function send(request: ServiceRequest): Promise<ServiceAnswer> {
  const { service, path, body, key, world, signal } = request;
  let reply: Reply;
  try {
    reply = await exchange("POST", `${serviceUrl(service)}/${path}`, {
      headers: {
        "content-type": "application/json",
        "idempotency-key": key,
        [WORLD_HEADER]: world,
        ...(request.unavailable ? { [SIMULATE_HEADER]: "unavailable" } : request.slow ? { [SIMULATE_HEADER]: "slow" } : {}),
      },
      body: JSON.stringify(body),
      signal,
    });
  } catch (error) {
    if (signal.aborted) throw cutOff(signal, `The ${service} service did not answer POST /${path} in time`);
    const failure = new ServiceUnavailable(`The ${service} service did not answer POST /${path}: ${failureReason(error)}`);
    // No connection was made: the request never reached the service. A connection that broke may have carried it.
    failure.undelivered = NOT_CONNECTED.has(failureReason(error));
    throw failure;
  }
  if (request.loseAnswer) {
    reply.drop();
    throw new ServiceUnavailable(`The ${service} service's answer to POST /${path} was lost on its way back (the connection dropped)`);
  }
  const text = await reply.text().catch((error: unknown) => {
    if (signal.aborted) throw cutOff(signal, `The ${service} service's answer to POST /${path} did not arrive in time`);
    throw new ServiceUnavailable(`The ${service} service's answer to POST /${path} was cut off: ${failureReason(error)}`);
  });
  if (reply.status >= 500) {
    const failure = new ServiceUnavailable(`The ${service} service answered ${reply.status} to POST /${path}`);
    // 503: the service says it is unavailable and did nothing. Another 5xx (a gateway's 504) may hide work done.
    failure.undelivered = reply.status === 503;
    throw failure;
  }
  return { status: reply.status, body: parse(text), replayed: reply.header("idempotent-replayed") === "true" };
}

// What the exchange's failure is caused by when no connection to the service was made at all.
const NOT_CONNECTED = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH"]);

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * A request of the app's own to a service, outside any saga (its reads, a reset, forgetting worlds):
 * answered within the services' timeout (serviceTimeoutMs: a client is waiting), or a ServiceUnavailable
 * that names the service and the request.
 */
async function askService(
  service: ServiceName,
  method: "GET" | "POST",
  path: string,
  headers: Record<string, string>,
  body?: unknown,
): Promise<unknown> {
  const signal = AbortSignal.timeout(serviceTimeoutMs());
  let status: number;
  let text: string;
  try {
    const reply = await exchange(method, `${serviceUrl(service)}/${path}`, {
      headers: body === undefined ? headers : { ...headers, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
    });
    status = reply.status;
    text = await reply.text();
  } catch (error) {
    throw new ServiceUnavailable(
      `The ${service} service did not answer ${method} /${path}: ${signal.aborted ? "timeout" : failureReason(error)}`,
    );
  }
  if (status < 200 || status >= 300) throw new ServiceUnavailable(`The ${service} service answered ${status} to ${method} /${path}`);
  return parse(text);
}

/** Reads from a service (GET /services/<service>/<path>) in a world: what the app's own reads answer from. */
export async function readService<T>(service: ServiceName, path: string, world: string): Promise<T> {
  return (await askService(service, "GET", path, { [WORLD_HEADER]: world })) as T;
}

/** Tells a service to put a world's data back as seeded (POST /reset of the app resets every service). */
export async function resetService(service: ServiceName, world: string): Promise<void> {
  await askService(service, "POST", "reset", { [WORLD_HEADER]: world }, {});
}

/** Tells a service to forget the worlds the orchestrator removed (a sweep of idle worlds): at most FORGET_PAGE (lib/services/schemas.ts) at once. */
export async function forgetWorlds(service: ServiceName, worlds: string[]): Promise<void> {
  await askService(service, "POST", "forget", {}, { worlds });
}
