/**
 * The inventory, payment and shipping services' operations in the OpenAPI document, one tag a service:
 * their own HTTP APIs under /services/<service>/ (lib/services/http.ts), each with its own data. Every
 * write takes a required Idempotency-Key and says in Idempotent-Replayed whether it was answered from the
 * record of an earlier request; a compensation whose action never arrived answers nothing_to_undo. The
 * world travels in the Saga-World header. lib/docs/openapi-services.test.ts provokes every answer here.
 */
import * as examples from "./openapi-examples";
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
  type Paths,
  type ResponseObject,
} from "./openapi-operation";

type Service = "inventory" | "payment" | "shipping";

const tag = (service: Service) => `${service} service`;

/** Every service call names its world; the header's value is "default" or a private world's id (lib/world-id.ts). */
const worldParameter = {
  name: "Saga-World",
  in: "header",
  required: false,
  description:
    "The demo world the call acts in: `default` (the shared world) or a private world's id, as the orchestrator sends it. " +
    "Without it, the world the saga_world cookie names, or the shared one. Each world has its own data in each service.",
  schema: { anyOf: [{ const: "default" }, { type: "string", pattern: "^[A-Za-z0-9_-]{22}$" }] },
  example: "default",
};

const keyParameter = {
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

const replayed = {
  "Idempotent-Replayed": header(
    "`true` when this is the recorded answer to an earlier request with the same key and body: nothing was done again",
    { type: "string", enum: ["true", "false"] },
  ),
};

const worldInvalid = validationExample(["header", "saga-world"], "value_error", 'A demo world\'s id, or "default"', "no world!");

/** A read, or a reset, answers 422 only for a Saga-World header that names no world. */
const worldError: ResponseObject = {
  description: "The Saga-World header names no world",
  content: json(ref("HTTPValidationError"), worldInvalid),
};

function requestBody(name: ComponentName, description: string, example: unknown): NonNullable<Operation["requestBody"]> {
  return { required: true, description, content: json(ref(name), example) };
}

/** A success of a write: its body, and named examples (the first answer, a replay, ...). */
function answered(description: string, schema: JsonSchema, named: MediaType["examples"]): ResponseObject {
  return { description, headers: replayed, content: jsonExamples(schema, named) };
}

/** A refusal in FastAPI's shape, recorded as any answer is: a repeat with the same key gets it again. */
function refused(description: string, details: Record<string, { summary: string; detail: string }>): ResponseObject {
  const named = Object.fromEntries(Object.entries(details).map(([name, { summary, detail }]) => [name, { summary, value: { detail } }]));
  return {
    description: `${description}. Recorded with the key: a repeat gets the same refusal`,
    headers: replayed,
    content: jsonExamples(ref("HTTPError"), named),
  };
}

/** What every write may answer besides its own: a cross-site browser, a body too large, a request that does not validate. */
function writeErrors(invalidBody: ReturnType<typeof validationExample>): Record<string, ResponseObject> {
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

function read(service: Service, operationId: string, summary: string, description: string, ok: ResponseObject): Operation {
  return {
    tags: [tag(service)],
    summary,
    operationId,
    description,
    parameters: [worldParameter],
    responses: { "200": ok, "422": worldError },
  };
}

function reset(service: Service, seed: string, records: string): Operation {
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

function forget(service: Service): Operation {
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
function write(service: Service, { requestBody, responses, ...operation }: Omit<Operation, "tags" | "parameters">): Operation {
  return { tags: [tag(service)], ...operation, parameters: [keyParameter, worldParameter], requestBody, responses };
}

const atLeastOne = (field: string) =>
  validationExample(["body", field], "greater_than_equal", "Input should be greater than or equal to 1", 0, { ge: 1 });

const replay = (value: unknown) => ({
  summary: "A repeat with the same Idempotency-Key and body",
  description: "Answered from the record of the first request, with Idempotent-Replayed: true; nothing is done again.",
  value,
});

const nothingToUndo = (action: string) => ({
  summary: "nothing_to_undo: the action never arrived",
  description:
    `No ${action} of this order was received (its request was lost, or is late): nothing is undone, ` +
    `and a ${action} for it that arrives later is refused with a 409.`,
  value: examples.nothingToUndoExample,
});

const compensationDescription = (action: string, undone: string, undo: string) =>
  [
    `Undoes the order's ${action}: ${undo}. Safe to send more than once, and under another key:`,
    `a ${action} already ${undone} is answered as it stands.`,
    "",
    `When the ${action} never arrived (its request was lost, or is still on its way), the answer is \`nothing_to_undo\`,`,
    `and the service remembers it: a ${action} for that order that arrives afterwards is refused with a 409,`,
    "so nothing is left done after its compensation.",
  ].join("\n");

export const inventoryPaths: Paths = {
  "/services/inventory/stock": {
    get: read(
      "inventory",
      "inventory_stock",
      "Stock by product",
      "The units on hand and not reserved of each product in the world, as the inventory service holds them: " +
        "a reservation takes units, a release puts them back. A world's first call seeds its stock.",
      { description: "Units available, by product", content: json(ref("StockList"), examples.serviceStockExample) },
    ),
  },
  "/services/inventory/reservations": {
    post: write("inventory", {
      summary: "Reserve stock for an order",
      operationId: "inventory_reserve",
      description:
        "Takes `quantity` units of the product for the order: one reservation per order. " +
        "The same order again, under another key, answers its reservation as it stands and takes nothing more.",
      requestBody: requestBody("ReservationRequest", "The order, the product and the units to reserve", examples.reservationRequestExample),
      responses: {
        "201": answered("Reserved", ref("Reservation"), {
          reserved: { summary: "Reserved", value: examples.reservationExample("reserved") },
          replayed: replay(examples.reservationExample("reserved")),
        }),
        "404": refused("No such product", { product: { summary: "Unknown product", detail: "Product not found" } }),
        "409": refused("Not enough units, or the order's reservation was released before it arrived", {
          insufficient: { summary: "Not enough units", detail: "Insufficient inventory" },
          late: { summary: "Released before it arrived", detail: examples.lateActionDetail("reservation", "released") },
        }),
        ...writeErrors(atLeastOne("quantity")),
      },
    }),
  },
  "/services/inventory/releases": {
    post: write("inventory", {
      summary: "Release an order's reservation",
      operationId: "inventory_release",
      description: compensationDescription("reservation", "released", "its units go back to the stock"),
      requestBody: requestBody("CompensationRequest", "The order whose reservation to release", examples.compensationRequestExample),
      responses: {
        "200": answered(
          "Released, or nothing to undo",
          { anyOf: [ref("Reservation"), ref("NothingToUndo")] },
          {
            released: { summary: "Released", value: examples.reservationExample("released") },
            nothingToUndo: nothingToUndo("reservation"),
            replayed: replay(examples.reservationExample("released")),
          },
        ),
        ...writeErrors(validationExample(["body", "order_id"], "missing", "Field required")),
      },
    }),
  },
  "/services/inventory/reset": { post: reset("inventory", "stock", "reservations") },
  "/services/inventory/forget": { post: forget("inventory") },
};

export const paymentPaths: Paths = {
  "/services/payment/accounts": {
    get: read(
      "payment",
      "payment_accounts",
      "Balances by account",
      "Each account's balance in cents, as the payment service holds it: a charge lowers it, a refund gives the amount back. " +
        "A world's first call seeds its accounts.",
      { description: "Balances in cents, by account", content: json(ref("AccountList"), examples.serviceAccountsExample) },
    ),
  },
  "/services/payment/ledger": {
    get: read(
      "payment",
      "payment_ledger",
      "The payment service's ledger",
      "Every charge (negative) and refund (positive) in the world, oldest first, at most a thousand: " +
        "the money that moved, and for which order.",
      { description: "Ledger entries, oldest first", content: json(ref("Ledger"), examples.ledgerExample) },
    ),
  },
  "/services/payment/charges": {
    post: write("payment", {
      summary: "Charge an account for an order",
      operationId: "payment_charge",
      description:
        "Takes `amount_cents` from the account for the order: one charge per order, never a second. " +
        "The same order again, under another key, answers its charge as it stands and moves no money.",
      requestBody: requestBody("ChargeRequest", "The order, the account and the amount in cents", examples.chargeRequestExample),
      responses: {
        "201": answered("Charged", ref("Charge"), {
          charged: { summary: "Charged", value: examples.chargeExample("charged") },
          replayed: replay(examples.chargeExample("charged")),
        }),
        "402": refused("The balance is lower than the amount", { funds: { summary: "Not enough money", detail: "Insufficient funds" } }),
        "404": refused("No such account", { account: { summary: "Unknown account", detail: "User not found" } }),
        "409": refused("The order's charge was refunded before it arrived", {
          late: { summary: "Refunded before it arrived", detail: examples.lateActionDetail("charge", "refunded") },
        }),
        ...writeErrors(atLeastOne("amount_cents")),
      },
    }),
  },
  "/services/payment/refunds": {
    post: write("payment", {
      summary: "Refund an order's charge",
      operationId: "payment_refund",
      description: compensationDescription("charge", "refunded", "the amount goes back to the account, and the ledger records the refund"),
      requestBody: requestBody("CompensationRequest", "The order whose charge to refund", examples.compensationRequestExample),
      responses: {
        "200": answered(
          "Refunded, or nothing to undo",
          { anyOf: [ref("Charge"), ref("NothingToUndo")] },
          {
            refunded: { summary: "Refunded", value: examples.chargeExample("refunded") },
            nothingToUndo: nothingToUndo("charge"),
            replayed: replay(examples.chargeExample("refunded")),
          },
        ),
        ...writeErrors(validationExample(["body", "order_id"], "missing", "Field required")),
      },
    }),
  },
  "/services/payment/reset": { post: reset("payment", "balances", "charges, its ledger") },
  "/services/payment/forget": { post: forget("payment") },
};

export const shippingPaths: Paths = {
  "/services/shipping/shipments": {
    get: read(
      "shipping",
      "shipping_shipments",
      "Shipments, newest first",
      "The world's shipments, newest first, at most a thousand: created, or cancelled.",
      { description: "The shipments, newest first", content: json(ref("ShipmentList"), examples.shipmentsExample) },
    ),
    post: write("shipping", {
      summary: "Ship an order",
      operationId: "shipping_ship",
      description:
        "Creates the order's shipment to the address the service holds for the user (user_3 has none, as in the seed): " +
        "one shipment per order. The same order again, under another key, answers its shipment as it stands.",
      requestBody: requestBody("ShipmentRequest", "The order and the user it ships to", examples.shipmentRequestExample),
      responses: {
        "201": answered("Shipment created", ref("Shipment"), {
          created: { summary: "Created", value: examples.shipmentExample("created") },
          replayed: replay(examples.shipmentExample("created")),
        }),
        "404": refused("No such user", { user: { summary: "Unknown user", detail: "User not found" } }),
        "409": refused("The user has no valid address, or the order's shipment was cancelled before it arrived", {
          address: { summary: "No valid address (user_3)", detail: "Shipping address invalid" },
          late: { summary: "Cancelled before it arrived", detail: examples.lateActionDetail("shipment", "cancelled") },
        }),
        ...writeErrors(validationExample(["body", "user_id"], "missing", "Field required")),
      },
    }),
  },
  "/services/shipping/cancellations": {
    post: write("shipping", {
      summary: "Cancel an order's shipment",
      operationId: "shipping_cancel",
      description: compensationDescription("shipment", "cancelled", "it is marked cancelled"),
      requestBody: requestBody("CompensationRequest", "The order whose shipment to cancel", examples.compensationRequestExample),
      responses: {
        "200": answered(
          "Cancelled, or nothing to undo",
          { anyOf: [ref("Shipment"), ref("NothingToUndo")] },
          {
            cancelled: { summary: "Cancelled", value: examples.shipmentExample("cancelled") },
            nothingToUndo: nothingToUndo("shipment"),
            replayed: replay(examples.shipmentExample("cancelled")),
          },
        ),
        ...writeErrors(validationExample(["body", "order_id"], "missing", "Field required")),
      },
    }),
  },
  "/services/shipping/reset": { post: reset("shipping", "addresses", "shipments") },
  "/services/shipping/forget": { post: forget("shipping") },
};

/** The services' tags, in the document's order, after the app's own. */
export const serviceTags = [
  { name: tag("inventory"), description: "The inventory service, under /services/inventory: stock by product, one reservation per order" },
  {
    name: tag("payment"),
    description: "The payment service, under /services/payment: balances by account, one charge per order, its ledger",
  },
  { name: tag("shipping"), description: "The shipping service, under /services/shipping: an address by user, one shipment per order" },
];
