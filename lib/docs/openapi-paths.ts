/**
 * The operations of the OpenAPI document, at the seed's paths: what each one does, its parameters,
 * body and every answer it can give, errors included. Schemas come from the zod schemas (by $ref to
 * components, or converted in place); examples from lib/docs/openapi-examples.ts.
 */
import * as examples from "./openapi-examples";
import { inline, ref, type JsonSchema } from "./openapi-components";
import { MAX_BODY_BYTES } from "../api/handler";
import { bodyTimeoutMs } from "../method-guard";
import { CursorSchema, EventIdSchema, IdempotencyKeySchema, LimitSchema } from "../api/schemas";

export type Method = "get" | "post";

interface MediaType {
  schema: JsonSchema;
  example?: unknown;
  examples?: Record<string, { summary?: string; description?: string; value: unknown }>;
}

export interface ResponseObject {
  description: string;
  headers?: Record<string, { description: string; schema: JsonSchema; required?: boolean }>;
  content?: Record<string, MediaType>;
}

export interface Operation {
  tags: string[];
  summary: string;
  description: string;
  operationId: string;
  parameters?: Record<string, unknown>[];
  requestBody?: { required: boolean; description?: string; content: Record<string, MediaType> };
  responses: Record<string, ResponseObject>;
}

// ---------------------------------------------------------------------------------------------------
// Building blocks

const json = (schema: JsonSchema, example: unknown): Record<string, MediaType> => ({ "application/json": { schema, example } });
const jsonExamples = (schema: JsonSchema, named: MediaType["examples"]): Record<string, MediaType> => ({
  "application/json": { schema, examples: named },
});

const header = (description: string, schema: JsonSchema = { type: "string" }) => ({ description, schema });

function error(description: string, detail: string, headers?: ResponseObject["headers"]): ResponseObject {
  return { description, ...(headers ? { headers } : {}), content: json(ref("HTTPError"), { detail }) };
}

const notFound = (what: "Order" | "Saga") => error(`No ${what.toLowerCase()} has this id`, `${what} not found`);

/** Every write answers this to a browser page of another site (lib/api/handler.ts, crossSiteRefusal). */
const crossSite = error(
  "A browser sent this write from another site's page (Sec-Fetch-Site, or Origin against Host): refused. Clients that are not browsers send neither.",
  "Cross-site request refused: this API takes writes from its own pages and from clients that are not browsers",
);

function pathParameter(name: "order_id" | "saga_id", description: string) {
  return { name, in: "path", required: true, description, schema: { type: "string" }, example: name === "order_id" ? examples.exampleIds.order : examples.exampleIds.saga };
}

const sagaId = pathParameter("saga_id", "The saga's id, as POST /orders answered it");

/** How a live stream resumes: EventSource sends Last-Event-ID by itself when it reconnects. */
const resumeParameters = [
  { name: "Last-Event-ID", in: "header", required: false, description: EventIdSchema.description, schema: inline(EventIdSchema) },
  { name: "after", in: "query", required: false, description: "The same as Last-Event-ID, for clients that cannot set headers", schema: inline(EventIdSchema) },
];

const eventStream = (description: string): MediaType & { schema: JsonSchema } => ({
  schema: {
    type: "string",
    description: `${description} Each event is \`id: <event id>\`, \`event: saga\` and \`data: <a SagaEvent as JSON>\` (see the SagaEvent schema); \`event: reset\` when the demo is reset; a comment line every 15 s keeps the connection open.`,
  },
  example: examples.eventStreamExample(),
});

const validationExample = (loc: (string | number)[], type: string, msg: string, input?: unknown, ctx?: Record<string, unknown>) => ({
  detail: [{ type, loc, msg, ...(input === undefined ? {} : { input }), ...(ctx ? { ctx } : {}) }],
});

// ---------------------------------------------------------------------------------------------------
// The operations, by path

const createOrder: Operation = {
  tags: ["orders"],
  summary: "Create a new order and execute its saga",
  operationId: "create_order",
  description: [
    "Records the order and its saga, then runs the saga: validate the order, reserve inventory, process the payment, ship.",
    "When a step fails, the steps that completed are compensated in reverse order (cancel the shipment, refund the payment, release the inventory).",
    "",
    "A business failure (unknown user or product, insufficient inventory or funds, an invalid shipping address) is **not** an HTTP error:",
    "the answer is still `201`, with `\"status\": \"failed\"`, the failed step's `error_message`, and the steps that had completed marked `compensated`.",
    "A compensation that keeps failing leaves the saga in `compensation_failed` (see POST /sagas/{saga_id}/retry).",
    "",
    "By default the answer comes once the saga has finished, as in the seed. With `Prefer: respond-async` it comes at once (`202`),",
    "and the saga runs on: follow it at `links.events` (GET /sagas/{saga_id}/events).",
    "",
    "Optional: `simulation.speed` plays the simulated work slower (0.25 = four times slower) or faster, and `simulation.faults` injects",
    "failures by step name, keyed by attempt number so the same request always plays the same way.",
    "`simulation.step_by_step` makes the saga wait on the server before each transition until POST /sagas/{saga_id}/continue",
    "(or `simulation.step_timeout_seconds`, 300 by default): such an order is answered `202` at once, with or without the Prefer header.",
  ].join("\n"),
  parameters: [
    {
      name: "Idempotency-Key",
      in: "header",
      required: false,
      description:
        "Makes a retried POST safe: a repeat with the same key and body answers the same order and saga and creates nothing (Idempotent-Replayed: true); the same key with another body is a 422.",
      schema: inline(IdempotencyKeySchema),
      example: "order-2025-01-01-0001",
    },
    {
      name: "Prefer",
      in: "header",
      required: false,
      description: "`respond-async`: answer 202 as soon as the order is recorded, without waiting for its saga (RFC 7240).",
      schema: { type: "string" },
      example: "respond-async",
    },
  ],
  requestBody: {
    required: true,
    description: "The order. Numbers sent as strings (\"2\", \"12.5\") are accepted, as pydantic's lax mode does; unknown fields are ignored.",
    content: jsonExamples(ref("OrderRequest"), examples.orderRequestExamples),
  },
  responses: {
    "201": {
      description: "The saga has finished: completed, failed (and compensated), or stuck in compensation_failed",
      headers: { "Idempotent-Replayed": header("`true` when an earlier request with the same Idempotency-Key created this order", { type: "string", enum: ["true", "false"] }) },
      content: jsonExamples(ref("OrderResponse"), examples.orderResultExamples),
    },
    "202": {
      description: "With Prefer: respond-async, or for a step-by-step saga: the order is recorded and its saga runs on",
      headers: {
        Location: header("The saga: /api/sagas/{saga_id}"),
        "Preference-Applied": { ...header("respond-async, when the request asked for it (a step-by-step order is answered 202 without it)"), required: false },
        "Idempotent-Replayed": header("`true` when an earlier request with the same Idempotency-Key created this order", { type: "string", enum: ["true", "false"] }),
      },
      content: json(ref("AcceptedOrder"), examples.acceptedOrderExample()),
    },
    "403": crossSite,
    "408": error(`The body did not arrive within ${bodyTimeoutMs() / 1000} s of its handler starting to read it`, `The request body did not arrive within ${bodyTimeoutMs() / 1000} s`, { Connection: header("close") }),
    "409": error("A reset removed the order while its saga ran", "The order was removed by a reset while its saga ran"),
    "413": error(`The body is larger than ${MAX_BODY_BYTES / 1024} KiB`, "Request body too large", { Connection: header("close") }),
    "422": {
      description: "The body is not valid JSON or does not match the schema (FastAPI's detail list), or the Idempotency-Key was used with another body",
      content: {
        "application/json": {
          schema: { anyOf: [ref("HTTPValidationError"), ref("HTTPError")] },
          examples: {
            invalid: {
              summary: "A field does not match",
              value: validationExample(["body", "quantity"], "greater_than", "Input should be greater than 0", 0, { gt: 0 }),
            },
            missing: { summary: "A field is missing", value: validationExample(["body", "user_id"], "missing", "Field required") },
            json: {
              summary: "Not JSON",
              value: validationExample(["body", 1], "json_invalid", "JSON decode error", {}, { error: "Expected property name or '}' in JSON at position 1" }),
            },
            contentType: {
              summary: "Sent as another type than JSON (text/plain, a form), read as bytes as FastAPI does",
              value: validationExample(["body"], "model_attributes_type", "Input should be a valid dictionary or object to extract fields from", "user_id=user_1"),
            },
            idempotency: { summary: "Idempotency-Key reused", value: { detail: "This Idempotency-Key was already used with a different request body" } },
          },
        },
      },
    },
    "503": error("The server is shutting down and takes no new saga; retry shortly", "The server is shutting down; retry shortly", {
      "Retry-After": header("Seconds to wait before retrying", { type: "string", example: "5" }),
    }),
  },
};

// ?limit= and ?cursor= of the lists, and the headers of a page that has a next one.
const listParameters = [
  {
    name: "limit",
    in: "query",
    required: false,
    description: "Answer one page of at most this many, newest first; without it (and without a cursor), the whole list",
    schema: inline(LimitSchema),
    example: 20,
  },
  { name: "cursor", in: "query", required: false, description: "Where the page starts: the previous page's X-Next-Cursor", schema: inline(CursorSchema) },
];
const pageHeaders = {
  Link: { ...header('`<path?limit=...&cursor=...>; rel="next"` when there is a next page'), required: false },
  "X-Next-Cursor": { ...header("The cursor of the next page, when there is one"), required: false },
};
const listErrors = (extra: string) => ({
  description: `The limit is not a whole number from 1 to 500, or the cursor is not one this list gave${extra}`,
  content: json(ref("HTTPValidationError"), validationExample(["query", "limit"], "less_than_equal", "Input should be less than or equal to 500", "1000")),
});

export const paths: Record<string, Partial<Record<Method, Operation>>> = {
  "/orders": {
    post: createOrder,
    get: {
      tags: ["orders"],
      summary: "List all orders",
      operationId: "list_orders",
      description:
        "Every order, most recent first, with its saga's status and id. With `?limit=`, one page of them, and the next page's " +
        "cursor in the `Link` and `X-Next-Cursor` headers; the body is the same array either way.",
      parameters: listParameters,
      responses: {
        "200": { description: "The orders, most recent first", headers: pageHeaders, content: json(ref("OrderList"), [examples.orderExample()]) },
        "422": listErrors(""),
      },
    },
  },
  "/orders/{order_id}": {
    get: {
      tags: ["orders"],
      summary: "Get order details",
      operationId: "get_order",
      description: "One order: what was ordered, by whom, for how much, and the status of its saga.",
      parameters: [pathParameter("order_id", "The order's id, as POST /orders answered it")],
      responses: {
        "200": { description: "The order", content: json(ref("Order"), examples.orderExample()) },
        "404": notFound("Order"),
      },
    },
  },
  "/sagas": {
    get: {
      tags: ["sagas"],
      summary: "List sagas",
      operationId: "list_sagas",
      description:
        "Sagas, newest first, with their steps. `?status=compensation_failed` lists the ones waiting for an operator. " +
        "With `?limit=`, one page, and the next page's cursor in the `Link` and `X-Next-Cursor` headers.",
      parameters: [
        { name: "status", in: "query", required: false, description: "Only the sagas in this status", schema: ref("SagaStatus"), example: "compensation_failed" },
        ...listParameters,
      ],
      responses: {
        "200": { description: "The sagas, newest first", headers: pageHeaders, content: json(ref("SagaList"), [examples.sagaExamples.stuck.value]) },
        "422": {
          description: "The status is not one of a saga's, the limit is not a whole number from 1 to 500, or the cursor is not one this list gave",
          content: json(
            ref("HTTPValidationError"),
            validationExample(["query", "status"], "enum", "Input should be 'pending', 'processing', 'compensating', 'completed', 'failed' or 'compensation_failed'", "stuck"),
          ),
        },
      },
    },
  },
  "/sagas/{saga_id}": {
    get: {
      tags: ["sagas"],
      summary: "Get saga transaction details",
      operationId: "get_saga",
      description: "The saga of an order: its status, and each step's status, error, attempts and timings, with its compensation's.",
      parameters: [sagaId],
      responses: {
        "200": { description: "The saga", content: jsonExamples(ref("Saga"), examples.sagaExamples) },
        "404": notFound("Saga"),
      },
    },
  },
  "/sagas/{saga_id}/events": {
    get: {
      tags: ["sagas"],
      summary: "Get a saga's event log, or follow it live",
      operationId: "get_saga_events",
      description: [
        "Every transition of the saga, oldest first: the saga's own statuses, each attempt of each step and of its compensation.",
        "",
        "With `Accept: text/event-stream` the answer is a Server-Sent Events stream instead: the log from its first event (or after",
        "Last-Event-ID), then each new event as soon as it is committed. An EventSource resumes exactly where it stopped.",
      ].join("\n"),
      parameters: [sagaId, ...resumeParameters],
      responses: {
        "200": {
          description: "The event log (JSON), or its live stream (Accept: text/event-stream)",
          content: {
            ...json(ref("SagaEventLog"), { events: examples.sagaEventsExample() }),
            "text/event-stream": eventStream("The saga's events, from the first (or after Last-Event-ID), then live."),
          },
        },
        "404": notFound("Saga"),
      },
    },
  },
  "/sagas/{saga_id}/retry": {
    post: {
      tags: ["sagas"],
      summary: "Retry a stuck saga's compensations",
      operationId: "retry_saga",
      description:
        "For a saga stuck in `compensation_failed`: runs its remaining compensations again, each with a fresh round of attempts, and answers the saga afterwards (`failed` once every compensation has succeeded).",
      parameters: [sagaId],
      responses: {
        "200": { description: "The saga after the retry", content: json(ref("Saga"), examples.sagaExamples.failed.value) },
        "403": crossSite,
        "404": error("No saga has this id in the caller's world (a retry acts only in the world its cookie names, the shared one without)", "Saga not found"),
        "409": error("The saga is not stuck: only a saga in compensation_failed can be retried", "Only a saga in compensation_failed can be retried; this one is completed"),
      },
    },
  },
  "/sagas/{saga_id}/continue": {
    post: {
      tags: ["sagas"],
      summary: "Continue a step-by-step saga",
      operationId: "continue_saga",
      description:
        "For a saga placed with `simulation.step_by_step`, waiting before its next transition (GET /sagas/{saga_id} shows `waiting`): " +
        "it goes on with that transition, and the answer is the saga once the transition has begun. It then waits again before the one after.",
      parameters: [sagaId],
      responses: {
        "200": { description: "The saga, its next transition begun", content: json(ref("Saga"), examples.sagaExamples.waiting.value) },
        "403": crossSite,
        "404": error("No saga has this id in the caller's world (a continue acts only in the world its cookie names, the shared one without)", "Saga not found"),
        "409": error("The saga is not waiting: it was not placed step by step, it is running its next transition, or it has ended", "This saga is not waiting for a continue; it is completed"),
      },
    },
  },
  "/inventory": {
    get: {
      tags: ["demo"],
      summary: "Get current inventory levels",
      operationId: "get_inventory",
      description: "Units in stock of each product. Reserved units are not in stock; a released reservation returns them.",
      responses: { "200": { description: "Stock by product", content: json(ref("InventoryResponse"), { inventory: examples.demoInventory }) } },
    },
  },
  "/balances": {
    get: {
      tags: ["demo"],
      summary: "Get user account balances",
      operationId: "get_balances",
      description: "Each user's balance in dollars. A payment lowers it; a refund restores it.",
      responses: { "200": { description: "Dollars by user", content: json(ref("BalanceResponse"), { balances: examples.demoBalances }) } },
    },
  },
  "/reset": {
    post: {
      tags: ["demo"],
      summary: "Reset all mock data to initial state",
      operationId: "reset",
      description:
        "Restores the demo's inventory and balances and forgets every order and saga, in one transaction: those of the caller's world only " +
        "(the shared world without a cookie, the private one its saga_world cookie names).",
      responses: {
        "200": { description: "Reset", content: json(ref("ResetResponse"), { message: "Mock database reset to initial state." }) },
        "403": crossSite,
      },
    },
  },
  "/world": {
    get: {
      tags: ["demo"],
      summary: "The demo world the caller acts in",
      operationId: "get_world",
      description:
        "Without a cookie every call acts in the shared world. A browser gets a private world of its own on its first page view " +
        "(an HttpOnly cookie, saga_world); its orders, stock, balances, lists, live stream and reset are its own.",
      responses: {
        "200": { description: "The world", content: json(ref("WorldResponse"), { world: "shared", orders: 3, max_orders: null, removed_after_idle_hours: null }) },
        "429": error("The budget of new worlds for this address is spent", "Too many new demo worlds from this address: at most 10 a minute. Try again in 42 s.", {
          "retry-after": header("Seconds until a new world can be made"),
        }),
      },
    },
    post: {
      tags: ["demo"],
      summary: "Make a private demo world",
      operationId: "new_world",
      description:
        "Makes a new private world, seeded with the demo data, and answers with a cookie naming it: with `curl -c jar -b jar`, " +
        "every later call acts in it. A world unused for a day (SAGA_WORLD_IDLE_HOURS) is removed.",
      responses: {
        "201": {
          description: "Made",
          headers: { "set-cookie": header("saga_world=<id>; HttpOnly; SameSite=Lax: the world's name, for every later call") },
          content: json(ref("WorldResponse"), { world: "private", orders: 0, max_orders: 500, removed_after_idle_hours: 24 }),
        },
        "403": crossSite,
        "429": error("The budget of new worlds for this address is spent", "Too many new demo worlds from this address: at most 10 a minute. Try again in 42 s.", {
          "retry-after": header("Seconds until a new world can be made"),
        }),
      },
    },
  },
  "/health": {
    get: {
      tags: ["service"],
      summary: "Health check endpoint",
      operationId: "health",
      description: "Whether the service can serve: 200 when it can, 503 when it cannot (for a load balancer or an orchestrator).",
      responses: {
        "200": { description: "Healthy", content: json(ref("HealthResponse"), { status: "healthy" }) },
        "503": {
          description: "Unhealthy: the service cannot serve requests now",
          content: json(ref("UnhealthyResponse"), { status: "unhealthy", detail: "The database is not reachable" }),
        },
      },
    },
  },
  "/metrics": {
    get: {
      tags: ["service"],
      summary: "Prometheus metrics",
      operationId: "metrics",
      description: "The service's metrics in Prometheus' text exposition format: HTTP requests, sagas by outcome, step durations, the process.",
      responses: {
        "200": {
          description: "The metrics, as Prometheus scrapes them",
          content: {
            "text/plain": {
              schema: { type: "string", description: "Prometheus text exposition format 0.0.4" },
              example: "# HELP process_cpu_seconds_total Total user and system CPU time spent in seconds.\n# TYPE process_cpu_seconds_total counter\nprocess_cpu_seconds_total 0.42\n",
            },
          },
        },
      },
    },
  },
  "/api/events": {
    get: {
      tags: ["sagas"],
      summary: "Follow every saga live",
      operationId: "stream_events",
      description: [
        "A Server-Sent Events stream of the transitions of every saga in the caller's world as they are committed, from now on (or after Last-Event-ID),",
        "and `event: reset` when that world is reset: what the dashboard follows. Served under /api only.",
      ].join("\n"),
      parameters: resumeParameters,
      responses: {
        "200": { description: "The live stream", content: { "text/event-stream": eventStream("Every saga's events, from now on (or after Last-Event-ID).") } },
      },
    },
  },
};
