/**
 * The inventory, payment and shipping services' operations in the OpenAPI document, one tag a service:
 * their own HTTP APIs under /services/<service>/ (lib/services/http.ts), each with its own data. Every
 * write takes a required Idempotency-Key and says in Idempotent-Replayed whether it was answered from the
 * record of an earlier request; a compensation whose action never arrived answers nothing_to_undo. The
 * world travels in the Saga-World header. lib/docs/openapi-services.test.ts provokes every answer here.
 */
import * as examples from "./openapi-services-examples";
import { inline, ref, type ComponentName, type JsonSchema } from "./openapi-components";
import { MAX_BODY_BYTES } from "../api/handler";
import { IdempotencyKeySchema } from "../api/schemas";
import { SERVICE_RESET_MESSAGE } from "../services/schemas";
import {
  crossSite,
  error,
  header,
  json,
  jsonExamples,
  validationExample,
  type MediaType,
  type Operation,
  type ResponseObject,
} from "./openapi-operation";

export type Service = "inventory" | "payment" | "shipping";

export const tag = (service: Service) => `${service} service`;

/** Every service call names its world; the header's value is "default" or a private world's id (lib/world-id.ts). */
export const worldParameter = {
  name: "Saga-World",
  in: "header",
  required: false,
  description:
    "The demo world the call acts in: `default` (the shared world) or a private world's id, as the orchestrator sends it. " +
    "Without it, the world the saga_world cookie names, or the shared one. Each world has its own data in each service.",
  schema: { anyOf: [{ const: "default" }, { type: "string", pattern: "^[A-Za-z0-9_-]{22}$" }] },
  example: "default",
};

export const keyParameter = {
  name: "Idempotency-Key",
  in: "header",
  required: true,
  description:
    "Required on every write. The first request with a key is done, and its answer recorded with its writes; a repeat with the same " +
    "key and body gets that answer again (a refusal too), with Idempotent-Replayed: true, and changes nothing; the same key with " +
    "another body is a 422.",
  schema: { ...inline(IdempotencyKeySchema), description: "An opaque key of printable ASCII, 1 to 255 characters" },
  example: "charge-f67c2a8e-0001",
};

export const replayed = {
  "Idempotent-Replayed": header(
    "`true` when this is the recorded answer to an earlier request with the same key and body: nothing was done again",
    { type: "string", enum: ["true", "false"] },
  ),
};

export const worldInvalid = validationExample(["header", "saga-world"], "value_error", 'A demo world\'s id, or "default"', "no world!");

/** A read, or a reset, answers 422 only for a Saga-World header that names no world. */
export const worldError: ResponseObject = {
  description: "The Saga-World header names no world",
  content: json(ref("HTTPValidationError"), worldInvalid),
};

export function requestBody(name: ComponentName, description: string, example: unknown): NonNullable<Operation["requestBody"]> {
  return { required: true, description, content: json(ref(name), example) };
}

/** A success of a write: its body, and named examples (the first answer, a replay, ...). */
export function answered(description: string, schema: JsonSchema, named: MediaType["examples"]): ResponseObject {
  return { description, headers: replayed, content: jsonExamples(schema, named) };
}

/** A refusal in FastAPI's shape, recorded as any answer is: a repeat with the same key gets it again. */
export function refused(description: string, details: Record<string, { summary: string; detail: string }>): ResponseObject {
  const named = Object.fromEntries(Object.entries(details).map(([name, { summary, detail }]) => [name, { summary, value: { detail } }]));
  return {
    description: `${description}. Recorded with the key: a repeat gets the same refusal`,
    headers: replayed,
    content: jsonExamples(ref("HTTPError"), named),
  };
}

/** What every write may answer besides its own: a cross-site browser, a body too large, a request that does not validate. */
export function writeErrors(invalidBody: ReturnType<typeof validationExample>): Record<string, ResponseObject> {
  return {
    "403": crossSite,
    "413": error(`The body is larger than ${MAX_BODY_BYTES / 1024} KiB`, "Request body too large", { Connection: header("close") }),
    "422": {
      description:
        "The Idempotency-Key is missing or malformed, the Saga-World header names no world, or the body does not match the schema " +
        "(FastAPI's detail list); or the key was already used with another body (nothing is done)",
      headers: {
        "Idempotent-Replayed": {
          ...header("`false` when the key was already used with another body; absent when the request was refused before its key was read"),
          required: false,
        },
      },
      content: {
        "application/json": {
          schema: { anyOf: [ref("HTTPValidationError"), ref("HTTPError")] },
          examples: {
            missingKey: {
              summary: "No Idempotency-Key",
              value: validationExample(["header", "idempotency-key"], "missing", "Field required"),
            },
            invalid: { summary: "A field does not match", value: invalidBody },
            world: { summary: "The Saga-World header names no world", value: worldInvalid },
            keyReused: {
              summary: "Idempotency-Key reused with another body",
              description: "The key's first request had another body (or was another operation): refused, and nothing is done.",
              value: examples.keyReusedExample,
            },
          },
        },
      },
    },
  };
}

export function read(service: Service, operationId: string, summary: string, description: string, ok: ResponseObject): Operation {
  return {
    tags: [tag(service)],
    summary,
    operationId,
    description,
    parameters: [worldParameter],
    responses: { "200": ok, "422": worldError },
  };
}

/** GET /services/<service>/orders/{order_id}: what the service holds for one order. */
export function orderRead(service: Service, holds: string, example: unknown): Operation {
  return {
    tags: [tag(service)],
    summary: `What the ${service} service holds for an order`,
    operationId: `${service}_order`,
    description:
      `The order's ${holds} as the ${service} service holds it, and the stock or money it moved for the order, oldest first: ` +
      "the service's own record, which the run page's ledger is drawn from. An order the service never heard of has status null and no movements.",
    parameters: [
      {
        name: "order_id",
        in: "path",
        required: true,
        description: "The order's id, as the orchestrator sent it",
        schema: { type: "string" },
        example: examples.orderRecordExamples.payment.order_id,
      },
      worldParameter,
    ],
    responses: {
      "200": { description: "The service's record of the order", content: json(ref("OrderRecord"), example) },
      "422": worldError,
    },
  };
}

export function reset(service: Service, seed: string, records: string): Operation {
  return {
    tags: [tag(service)],
    summary: `Reset the ${service} service's data`,
    operationId: `${service}_reset`,
    description:
      `Puts the world's ${seed} back as seeded, and forgets its ${records} and its answered requests (their keys can be used again). ` +
      "Other worlds, and the app's own demo data (POST /reset), are untouched.",
    parameters: [worldParameter],
    responses: {
      "200": { description: "Reset", content: json(ref("ServiceResetResponse"), { message: SERVICE_RESET_MESSAGE }) },
      "403": crossSite,
      "422": worldError,
    },
  };
}

/** The orchestrator's: it names the worlds its sweep removed, and the service forgets every row of them. */
export function forget(service: Service): Operation {
  return {
    tags: [tag(service)],
    summary: `Forget removed worlds`,
    operationId: `${service}_forget`,
    description:
      `Forgets every row the ${service} service holds of the worlds named: the orchestrator removed them (its sweep of worlds unused for a day ` +
      "asks each service, a page of worlds at a time). The worlds are in the body, not in Saga-World; a world named again is made anew on its next call.",
    requestBody: {
      required: true,
      description: "The removed worlds",
      content: json(ref("ServiceForgetRequest"), { worlds: ["4yJ2cQmZ0bXhW8aTqLk3Vg"] }),
    },
    responses: {
      "200": { description: "Forgotten", content: json(ref("ServiceForgetResponse"), { forgotten: 1 }) },
      "403": crossSite,
      "422": {
        description: "The body names something other than a list of at most 100 worlds",
        content: json(
          ref("HTTPValidationError"),
          validationExample(["body", "worlds", 0], "value_error", 'A demo world\'s id, or "default"', "no world!"),
        ),
      },
    },
  };
}

/** A write: its body required, its key required, its answer recorded. */
export function write(service: Service, { requestBody, responses, ...operation }: Omit<Operation, "tags" | "parameters">): Operation {
  return { tags: [tag(service)], ...operation, parameters: [keyParameter, worldParameter], requestBody, responses };
}

export const atLeastOne = (field: string) =>
  validationExample(["body", field], "greater_than_equal", "Input should be greater than or equal to 1", 0, { ge: 1 });

export const replay = (value: unknown) => ({
  summary: "A repeat with the same Idempotency-Key and body",
  description: "Answered from the record of the first request, with Idempotent-Replayed: true; nothing is done again.",
  value,
});

export const nothingToUndo = (action: string) => ({
  summary: "nothing_to_undo: the action never arrived",
  description:
    `No ${action} of this order was received (its request was lost, or is late): nothing is undone, ` +
    `and a ${action} for it that arrives later is refused with a 409.`,
  value: examples.nothingToUndoExample,
});

export const compensationDescription = (action: string, undone: string, undo: string) =>
  [
    `Undoes the order's ${action}: ${undo}. Safe to send more than once, and under another key:`,
    `a ${action} already ${undone} is answered as it stands.`,
    "",
    `When the ${action} never arrived (its request was lost, or is still on its way), the answer is \`nothing_to_undo\`,`,
    `and the service remembers it: a ${action} for that order that arrives afterwards is refused with a 409,`,
    "so nothing is left done after its compensation.",
  ].join("\n");

/**
 * A compensation's operation (a release, a refund, a cancellation): its body names the order, and it
 * answers what it undid (`undone` as the action's example, `status` its new status) or nothing_to_undo.
 */
export function compensation(
  service: Service,
  what: {
    summary: string;
    operationId: string;
    action: "reservation" | "charge" | "shipment";
    status: string;
    undo: string;
    bodyDescription: string;
    answer: { name: ComponentName; title: string; example: unknown };
  },
): Operation {
  const { action, status, answer } = what;
  return write(service, {
    summary: what.summary,
    operationId: what.operationId,
    description: compensationDescription(action, status, what.undo),
    requestBody: requestBody("CompensationRequest", what.bodyDescription, examples.compensationRequestExample),
    responses: {
      "200": answered(
        `${answer.title}, or nothing to undo`,
        { anyOf: [ref(answer.name), ref("NothingToUndo")] },
        {
          [status]: { summary: answer.title, value: answer.example },
          nothingToUndo: nothingToUndo(action),
          replayed: replay(answer.example),
        },
      ),
      ...writeErrors(validationExample(["body", "order_id"], "missing", "Field required")),
    },
  });
}

/** The services' tags, in the document's order, after the app's own. */
export const serviceTags = [
  { name: tag("inventory"), description: "The inventory service, under /services/inventory: stock by product, one reservation per order" },
  {
    name: tag("payment"),
    description: "The payment service, under /services/payment: balances by account, one charge per order, its ledger",
  },
  { name: tag("shipping"), description: "The shipping service, under /services/shipping: an address by user, one shipment per order" },
];
