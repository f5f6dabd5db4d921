/**
 * The OpenAPI 3.1 document of the API, served at /openapi.json and read by Swagger UI (/docs) and ReDoc
 * (/redoc), as FastAPI serves its own. Generated from the zod schemas: the request and response schemas
 * in lib/api are the one source of every field, and tests/openapi.test.ts checks that every route is
 * documented and that real answers match what is documented.
 */
import packageJson from "../../package.json";
import { API_TITLE } from "./docs-pages";
import { componentSchemas } from "./openapi-components";
import { demoPaths } from "./openapi-demo";
import type { Method, Operation, Paths, ResponseObject } from "./openapi-operation";
import { orderPaths } from "./openapi-orders";
import { apiOnlyPaths, sagaPaths } from "./openapi-sagas";
import { servicePaths } from "./openapi-service";
import { inventoryPaths } from "./openapi-inventory";
import { paymentPaths } from "./openapi-payment";
import { serviceTags } from "./openapi-services";
import { shippingPaths } from "./openapi-shipping";

const description = `
Runs, shows and explains the **Saga pattern**: an order goes through four steps (validate the order, then
reserve inventory, process the payment and ship the order, each a call over HTTP of a service with its own
data and its own transactions), and when one fails, the ones that completed are undone by compensations,
in reverse order. The REST API is the FastAPI saga demo's, at the same paths
and in the same shapes, with a few additions (timestamps, attempts, an event log, live streams, failure
injection, idempotency keys).

**Paths.** Each path below is also served under \`/api\`, with the same answers (\`/orders\` and
\`/api/orders\`); \`/api/events\` and \`/api/services\` are served under \`/api\` only. The inventory, payment and shipping
services' own APIs are served under \`/services\` only.

**Errors** come in FastAPI's shapes: \`{"detail": "..."}\`, or for a request that does not validate, \`422\`
with \`{"detail": [{"loc": [...], "msg": "...", "type": "..."}]}\`. A method a path does not serve answers
\`405\` with an \`Allow\` header (the MethodNotAllowed response); an unknown path under the API, \`404\`
\`{"detail": "Not Found"}\`.

**Money** is a number of dollars, written as Python writes a float (\`1000.0\`).
`.trim();

const methodNotAllowed: ResponseObject = {
  description: "The path does not serve this method; the Allow header lists the ones it does",
  headers: { Allow: { description: "The methods the path serves, e.g. GET, POST", schema: { type: "string" } } },
  content: { "application/json": { schema: { $ref: "#/components/schemas/HTTPError" }, example: { detail: "Method Not Allowed" } } },
};

/**
 * Every path, in the document's order: those of each tag below, in the tags' order, one file a tag
 * (lib/docs/openapi-orders.ts, -sagas, -demo, -service; /api/services is the service tag's, under /api
 * only), then /api/events, under /api only, then
 * the services' under /services, a tag each (lib/docs/openapi-services.ts).
 */
const paths: Paths = {
  ...orderPaths,
  ...sagaPaths,
  ...demoPaths,
  ...servicePaths,
  ...apiOnlyPaths,
  ...inventoryPaths,
  ...paymentPaths,
  ...shippingPaths,
};

type PathItem = Partial<Record<Method, Operation>> & { description?: string };

/** Each path item says which methods it serves, so a reader knows what answers 405. */
function withAllow(operations: Partial<Record<Method, Operation>>): PathItem {
  const allowed = Object.keys(operations).map((method) => method.toUpperCase());
  return { description: `Serves ${allowed.join(", ")}; any other method answers 405 Method Not Allowed.`, ...operations };
}

function buildDocument() {
  return {
    openapi: "3.1.0",
    info: { title: API_TITLE, version: packageJson.version, description },
    tags: [
      { name: "orders", description: "Place orders and read them" },
      {
        name: "sagas",
        description: "The saga of each order: its steps, its event log, live streams, an operator's retry, a step-by-step saga's continue",
      },
      { name: "demo", description: "The demo's inventory and balances, and resetting them" },
      { name: "service", description: "Health and metrics" },
      ...serviceTags,
    ],
    paths: Object.fromEntries(Object.entries(paths).map(([path, operations]) => [path, withAllow(operations)])),
    components: {
      schemas: componentSchemas(),
      responses: { MethodNotAllowed: methodNotAllowed },
    },
  };
}

let built: string | undefined;

/** The document as JSON text: built once per process (it depends on nothing that changes). */
export function openApiJson(): string {
  built ??= JSON.stringify(buildDocument());
  return built;
}
