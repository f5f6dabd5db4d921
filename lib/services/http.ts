/**
 * The services' HTTP API, under /services/<service>/...: JSON in and out, FastAPI's error shapes, and on
 * every mutating request a required Idempotency-Key (see idempotency.ts). The world travels with each
 * call in the Saga-World header (the orchestrator sends it); without one, a browser's cookie names it,
 * or the shared world.
 */
import { z } from "zod";
import { database, type Tx } from "../db/client";
import { againIfTaken } from "../db/faults";
import { errorResponse, notFound, parameterError } from "../api/errors";
import { parseJsonBody } from "../api/handler";
import { jsonResponse } from "../api/json";
import { IdempotencyKeySchema } from "../api/schemas";
import { requestedWorld } from "../api/world";
import { DEFAULT_WORLD, isWorldId } from "../world-id";
import { logger } from "../log";
import { countAbandonedRequest } from "../saga/metrics";
import type { Answer } from "./answer";
import { answerOnce, type RequestLog } from "./idempotency";
import { knownSeeded, rememberSeeded } from "./seeded";
import * as inventory from "./inventory";
import * as payment from "./payment";
import * as shipping from "./shipping";
import {
  ChargeRequestSchema,
  CompensationRequestSchema,
  ReservationRequestSchema,
  ForgetRequestSchema,
  type ForgetResponseSchema,
  SERVICE_RESET_MESSAGE,
  ShipmentRequestSchema,
  type ServiceResetResponseSchema,
  type OrderRecord,
} from "./schemas";

/** The header that carries the demo world from the orchestrator to a service. */
export const WORLD_HEADER = "saga-world";

/**
 * A write with `saga-simulate: unavailable` finds its service down (the `unavailable` fault): 503, and
 * nothing done. With `saga-simulate: slow` (the `slow_answers` fault) the service takes its time, up to
 * SLOW_MS, before it starts: a caller that gives up first (its timeout cancels the request) finds the
 * service stopped, having done nothing; one that waits gets the answer late.
 */
export const SIMULATE_HEADER = "saga-simulate";
const SLOW_MS = 30_000;

const log = logger("services");

/** Waits SLOW_MS, or until the caller goes away; true when it went. */
function outwaited(signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(true);
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", gone);
      resolve(false);
    }, SLOW_MS);
    const gone = () => {
      clearTimeout(timer);
      resolve(true);
    };
    signal.addEventListener("abort", gone, { once: true });
  });
}

const WorldSchema = z.string().refine((value) => value === DEFAULT_WORLD || isWorldId(value), 'A demo world\'s id, or "default"');

type Handler = (request: Request, worldId: string) => Promise<Response>;

/** A mutating endpoint: its body validated, its Idempotency-Key required, its work done once per key. */
function mutation<S extends z.ZodType>(
  log: RequestLog,
  operation: string,
  schema: S,
  work: (tx: Tx, worldId: string, input: z.infer<S>, lookFirst: boolean) => Promise<Answer>,
): Handler {
  return async (request, worldId) => {
    const header = request.headers.get("idempotency-key");
    if (header === null) return parameterError(["header", "idempotency-key"], IdempotencyKeySchema, missingKey());
    const key = IdempotencyKeySchema.safeParse(header, { reportInput: true });
    if (!key.success) return parameterError(["header", "idempotency-key"], IdempotencyKeySchema, key.error);
    const parsed = await parseJsonBody(request, schema);
    if (!parsed.ok) return parsed.response;
    const done = await answerOnce(await database(), log, worldId, key.data, { operation, body: parsed.data }, (tx, lookFirst) =>
      work(tx, worldId, parsed.data, lookFirst),
    );
    return jsonResponse(done.body, { status: done.status, headers: { "idempotent-replayed": String(done.replayed) } });
  };
}

/** The zod error of a header that is missing, for FastAPI's "Field required". */
function missingKey(): z.ZodError {
  return IdempotencyKeySchema.safeParse(undefined).error!;
}

/**
 * A read: answered from the service's own tables. A world's first call seeds them, hence a write; once
 * this process knows the world has its data, a plain read (no transaction, no place in the writers' queue).
 */
function read(service: string, fn: (tx: Tx, worldId: string) => Promise<unknown>): Handler {
  return async (_request, worldId) => {
    const db = await database();
    if (knownSeeded(service, worldId)) return jsonResponse(await fn(db.read, worldId));
    // On PostgreSQL the world's first calls run side by side, each seeding it: the ones that lose the
    // race for its keys read again, and find its data.
    const answer = await againIfTaken(() => db.write((tx) => fn(tx, worldId)));
    // Committed: the world has its data now.
    rememberSeeded(service, worldId);
    return jsonResponse(answer);
  };
}

/** Puts the world's data of the service back as seeded (a reset that meets another's new seed on PostgreSQL runs again). */
function reset(fn: (tx: Tx, worldId: string) => Promise<void>): Handler {
  return async (_request, worldId) => {
    const db = await database();
    await againIfTaken(() => db.write((tx) => fn(tx, worldId)));
    return jsonResponse({ message: SERVICE_RESET_MESSAGE } satisfies z.infer<typeof ServiceResetResponseSchema>);
  };
}

/** Forgets the worlds a body names (at most a page of a sweep): not the caller's world, every one listed. */
function forget(fn: (tx: Tx, worlds: string[]) => Promise<void>): Handler {
  return async (request) => {
    const parsed = await parseJsonBody(request, ForgetRequestSchema);
    if (!parsed.ok) return parsed.response;
    await (await database()).write((tx) => fn(tx, parsed.data.worlds));
    return jsonResponse({ forgotten: parsed.data.worlds.length } satisfies z.infer<typeof ForgetResponseSchema>);
  };
}

/** Every endpoint, by service, path and method (the OpenAPI document has each: lib/docs/openapi-services.ts). */
export const endpoints: Record<string, Record<string, Partial<Record<"GET" | "POST", Handler>>>> = {
  inventory: {
    stock: { GET: read(inventory.SERVICE, inventory.stock) },
    reservations: { POST: mutation(inventory.requests, "reserve", ReservationRequestSchema, inventory.reserve) },
    releases: { POST: mutation(inventory.requests, "release", CompensationRequestSchema, inventory.release) },
    reset: { POST: reset(inventory.reset) },
    forget: { POST: forget(inventory.forget) },
  },
  payment: {
    accounts: { GET: read(payment.SERVICE, payment.balances) },
    ledger: { GET: read(payment.SERVICE, payment.ledger) },
    charges: { POST: mutation(payment.requests, "charge", ChargeRequestSchema, payment.charge) },
    refunds: { POST: mutation(payment.requests, "refund", CompensationRequestSchema, payment.refund) },
    reset: { POST: reset(payment.reset) },
    forget: { POST: forget(payment.forget) },
  },
  shipping: {
    shipments: {
      GET: read(shipping.SERVICE, shipping.shipments),
      POST: mutation(shipping.requests, "ship", ShipmentRequestSchema, shipping.ship),
    },
    cancellations: { POST: mutation(shipping.requests, "cancel", CompensationRequestSchema, shipping.cancel) },
    reset: { POST: reset(shipping.reset) },
    forget: { POST: forget(shipping.forget) },
  },
};

/** GET /services/<service>/orders/{order_id}: what the service holds for one order (lib/services/schemas.ts OrderRecordSchema). */
const orderRecords: Record<string, (tx: Tx, worldId: string, orderId: string) => Promise<OrderRecord>> = {
  inventory: inventory.orderRecord,
  payment: payment.orderRecord,
  shipping: shipping.orderRecord,
};

function orderRecord(service: string, orderId: string): Handler {
  return async (_request, worldId) => jsonResponse(await orderRecords[service]((await database()).read, worldId, orderId));
}

/** Every path the services serve ("/services/payment/orders/{order_id}"), with its methods: what the OpenAPI document must list. */
export function servicePaths(): { service: string; path: string; methods: string[] }[] {
  return [
    ...Object.entries(endpoints).flatMap(([service, resources]) =>
      Object.entries(resources).map(([resource, methods]) => ({
        service,
        path: `/services/${service}/${resource}`,
        methods: Object.keys(methods),
      })),
    ),
    ...Object.keys(orderRecords).map((service) => ({ service, path: `/services/${service}/orders/{order_id}`, methods: ["GET"] })),
  ];
}

/** The endpoints of a path: a service's resource, or one order's record (orders/{order_id}). */
function endpointsOf(service: string, resource: string, rest: string[]): Partial<Record<"GET" | "POST", Handler>> | undefined {
  if (rest.length === 0) return endpoints[service]?.[resource];
  if (resource === "orders" && rest.length === 1 && Object.hasOwn(orderRecords, service)) return { GET: orderRecord(service, rest[0]) };
  return undefined;
}

/** Answers a request for /services/<path>: 404 for a path no service has, 405 for a method it does not take. */
export async function serveServices(request: Request, path: string[]): Promise<Response> {
  const [service, resource, ...rest] = path;
  const methods = endpointsOf(service, resource, rest);
  if (!methods) return notFound();
  const handler = methods[request.method as "GET" | "POST"];
  if (!handler) return errorResponse(405, "Method Not Allowed", { allow: Object.keys(methods).join(", ") });
  if (request.method === "POST" && request.headers.get(SIMULATE_HEADER) === "unavailable")
    return errorResponse(503, `The ${service} service is unavailable (simulated by the request's ${SIMULATE_HEADER} header)`, {
      "retry-after": "1",
    });
  if (request.method === "POST" && request.headers.get(SIMULATE_HEADER) === "slow" && (await outwaited(request.signal))) {
    // The caller is gone: nothing is done, and no one hears the answer.
    countAbandonedRequest(service);
    log.info(`The ${service} service stopped POST /${resource} before doing anything: its caller gave up (slow, simulated)`, {
      key: request.headers.get("idempotency-key") ?? undefined,
    });
    return errorResponse(503, `The ${service} service's caller gave up before it started`);
  }
  const header = request.headers.get(WORLD_HEADER);
  if (header === null) return handler(request, requestedWorld(request));
  const world = WorldSchema.safeParse(header, { reportInput: true });
  if (!world.success) return parameterError(["header", WORLD_HEADER], WorldSchema, world.error);
  return handler(request, world.data);
}
