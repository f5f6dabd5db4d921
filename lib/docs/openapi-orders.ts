/**
 * The orders' operations in the OpenAPI document: placing an order (which runs its saga), listing the
 * orders, reading one; each with every answer it can give, errors included.
 */
import * as examples from "./openapi-examples";
import * as servicesExamples from "./openapi-services-examples";
import { inline, ref } from "./openapi-components";
import { MAX_BODY_BYTES } from "../api/handler";
import { bodyTimeoutMs } from "../method-guard";
import { IdempotencyKeySchema } from "../api/schemas";
import {
  crossSite,
  error,
  header,
  json,
  jsonExamples,
  listErrors,
  listParameters,
  notFound,
  pageHeaders,
  pathParameter,
  validationExample,
  type Operation,
  type Paths,
} from "./openapi-operation";

const createOrder: Operation = {
  tags: ["orders"],
  summary: "Create a new order and execute its saga",
  operationId: "create_order",
  description: [
    "Records the order and its saga, then runs the saga: validate the order, reserve inventory, process the payment, ship.",
    "When a step fails, the steps that completed are compensated in reverse order " +
      "(cancel the shipment, refund the payment, release the inventory).",
    "",
    "A business failure (unknown user or product, insufficient inventory or funds, an invalid shipping address) is **not** an HTTP error:",
    'the answer is still `201`, with `"status": "failed"`, the failed step\'s `error_message`, ' +
      "and the steps that had completed marked `compensated`.",
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
        "Makes a retried POST safe: a repeat with the same key and body answers the same order and saga and creates nothing " +
        "(Idempotent-Replayed: true); the same key with another body is a 422.",
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
    description: 'The order. Numbers sent as strings ("2", "12.5") are accepted, as pydantic\'s lax mode does; unknown fields are ignored.',
    content: jsonExamples(ref("OrderRequest"), examples.orderRequestExamples),
  },
  responses: {
    "201": {
      description: "The saga has finished: completed, failed (and compensated), or stuck in compensation_failed",
      headers: {
        "Idempotent-Replayed": header("`true` when an earlier request with the same Idempotency-Key created this order", {
          type: "string",
          enum: ["true", "false"],
        }),
      },
      content: jsonExamples(ref("OrderResponse"), examples.orderResultExamples),
    },
    "202": {
      description: "With Prefer: respond-async, or for a step-by-step saga: the order is recorded and its saga runs on",
      headers: {
        Location: header("The saga: /api/sagas/{saga_id}"),
        "Preference-Applied": {
          ...header("respond-async, when the request asked for it (a step-by-step order is answered 202 without it)"),
          required: false,
        },
        "Idempotent-Replayed": header("`true` when an earlier request with the same Idempotency-Key created this order", {
          type: "string",
          enum: ["true", "false"],
        }),
      },
      content: json(ref("AcceptedOrder"), examples.acceptedOrderExample()),
    },
    "403": crossSite,
    "408": error(
      `The body did not arrive within ${bodyTimeoutMs() / 1000} s of its handler starting to read it`,
      `The request body did not arrive within ${bodyTimeoutMs() / 1000} s`,
      { Connection: header("close") },
    ),
    "409": error("A reset removed the order while its saga ran", "The order was removed by a reset while its saga ran"),
    "413": error(`The body is larger than ${MAX_BODY_BYTES / 1024} KiB`, "Request body too large", { Connection: header("close") }),
    "422": {
      description:
        "The body is not valid JSON or does not match the schema (FastAPI's detail list), " +
        "or the Idempotency-Key was used with another body",
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
              value: validationExample(
                ["body", 1],
                "json_invalid",
                "JSON decode error",
                {},
                { error: "Expected property name or '}' in JSON at position 1" },
              ),
            },
            contentType: {
              summary: "Sent as another type than JSON (text/plain, a form), read as bytes as FastAPI does",
              value: validationExample(
                ["body"],
                "model_attributes_type",
                "Input should be a valid dictionary or object to extract fields from",
                "user_id=user_1",
              ),
            },
            idempotency: {
              summary: "Idempotency-Key reused",
              value: { detail: "This Idempotency-Key was already used with a different request body" },
            },
          },
        },
      },
    },
    "503": error("The server is shutting down and takes no new saga; retry shortly", "The server is shutting down; retry shortly", {
      "Retry-After": header("Seconds to wait before retrying", { type: "string", example: "5" }),
    }),
  },
};

export const orderPaths: Paths = {
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
        "200": {
          description: "The orders, most recent first",
          headers: pageHeaders,
          content: json(ref("OrderList"), [examples.orderExample()]),
        },
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
  "/orders/{order_id}/services": {
    get: {
      tags: ["orders"],
      summary: "What each service holds for the order",
      operationId: "get_order_services",
      description:
        "Asks the inventory, payment and shipping services what they hold for the order (GET /services/<service>/orders/{order_id}, " +
        "in the order's world): its reservation, charge and shipment, and the stock and money each moved for it, oldest first. " +
        "The run page's ledger is drawn from these. A service that does not answer within its timeout gives 503.",
      parameters: [pathParameter("order_id", "The order's id, as POST /orders answered it")],
      responses: {
        "200": {
          description: "Each service's record of the order",
          content: json(ref("OrderServices"), servicesExamples.orderServicesExample),
        },
        "404": notFound("Order"),
      },
    },
  },
};
