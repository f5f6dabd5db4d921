/**
 * The sagas' operations in the OpenAPI document: listing them, reading one, its event log or live
 * stream, an operator's retry, a step-by-step saga's continue; and the live stream of every saga,
 * served under /api only.
 */
import * as examples from "./openapi-examples";
import { inline, ref, type JsonSchema } from "./openapi-components";
import { EventIdSchema } from "../api/schemas";
import {
  crossSite,
  error,
  json,
  jsonExamples,
  listParameters,
  notFound,
  pageHeaders,
  pathParameter,
  validationExample,
  type MediaType,
  type Paths,
} from "./openapi-operation";

const sagaId = pathParameter("saga_id", "The saga's id, as POST /orders answered it");

/** How a live stream resumes: EventSource sends Last-Event-ID by itself when it reconnects. */
const resumeParameters = [
  { name: "Last-Event-ID", in: "header", required: false, description: EventIdSchema.description, schema: inline(EventIdSchema) },
  {
    name: "after",
    in: "query",
    required: false,
    description: "The same as Last-Event-ID, for clients that cannot set headers",
    schema: inline(EventIdSchema),
  },
];

const eventStream = (description: string): MediaType & { schema: JsonSchema } => ({
  schema: {
    type: "string",
    description:
      `${description} Each event is \`id: <event id>\`, \`event: saga\` and \`data: <a SagaEvent as JSON>\` (see the SagaEvent schema); ` +
      "`event: reset` when the demo is reset; a comment line every 15 s keeps the connection open.",
  },
  example: examples.eventStreamExample(),
});

export const sagaPaths: Paths = {
  "/sagas": {
    get: {
      tags: ["sagas"],
      summary: "List sagas",
      operationId: "list_sagas",
      description:
        "Sagas, newest first, with their steps. `?status=compensation_failed` lists the ones waiting for an operator. " +
        "With `?limit=`, one page, and the next page's cursor in the `Link` and `X-Next-Cursor` headers.",
      parameters: [
        {
          name: "status",
          in: "query",
          required: false,
          description: "Only the sagas in this status",
          schema: ref("SagaStatus"),
          example: "compensation_failed",
        },
        ...listParameters,
      ],
      responses: {
        "200": {
          description: "The sagas, newest first",
          headers: pageHeaders,
          content: json(ref("SagaList"), [examples.sagaExamples.stuck.value]),
        },
        "422": {
          description:
            "The status is not one of a saga's, the limit is not a whole number from 1 to 500, or the cursor is not one this list gave",
          content: json(
            ref("HTTPValidationError"),
            validationExample(
              ["query", "status"],
              "enum",
              "Input should be 'pending', 'processing', 'compensating', 'completed', 'failed' or 'compensation_failed'",
              "stuck",
            ),
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
        "For a saga stuck in `compensation_failed`: runs its remaining compensations again, each with a fresh round of attempts, " +
        "and answers the saga afterwards (`failed` once every compensation has succeeded).",
      parameters: [sagaId],
      responses: {
        "200": { description: "The saga after the retry", content: json(ref("Saga"), examples.sagaExamples.failed.value) },
        "403": crossSite,
        "404": error(
          "No saga has this id in the caller's world (a retry acts only in the world its cookie names, the shared one without)",
          "Saga not found",
        ),
        "409": error(
          "The saga is not stuck: only a saga in compensation_failed can be retried",
          "Only a saga in compensation_failed can be retried; this one is completed",
        ),
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
        "it goes on with that transition, and the answer is the saga once the transition has begun. " +
        "It then waits again before the one after.",
      parameters: [sagaId],
      responses: {
        "200": { description: "The saga, its next transition begun", content: json(ref("Saga"), examples.sagaExamples.waiting.value) },
        "403": crossSite,
        "404": error(
          "No saga has this id in the caller's world (a continue acts only in the world its cookie names, the shared one without)",
          "Saga not found",
        ),
        "409": error(
          "The saga is not waiting: it was not placed step by step, it is running its next transition, or it has ended",
          "This saga is not waiting for a continue; it is completed",
        ),
      },
    },
  },
};

/** Served under /api only, where the other paths are served at the seed's paths too: last in the document. */
export const apiOnlyPaths: Paths = {
  "/api/events": {
    get: {
      tags: ["sagas"],
      summary: "Follow every saga live",
      operationId: "stream_events",
      description: [
        "A Server-Sent Events stream of the transitions of every saga in the caller's world as they are committed, " +
          "from now on (or after Last-Event-ID),",
        "and `event: reset` when that world is reset: what the dashboard follows. Served under /api only.",
      ].join("\n"),
      parameters: resumeParameters,
      responses: {
        "200": {
          description: "The live stream",
          content: { "text/event-stream": eventStream("Every saga's events, from now on (or after Last-Event-ID).") },
        },
      },
    },
  },
};
