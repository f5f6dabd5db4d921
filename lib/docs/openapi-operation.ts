/**
 * What an operation of the OpenAPI document is, and the pieces each resource's operations are built
 * from (lib/docs/openapi-orders.ts, -sagas, -demo, -service, -services): JSON bodies, FastAPI-shaped errors, the
 * refusal of a cross-site write, path parameters, and the paging of the lists. Schemas come from the zod
 * schemas (by $ref to components, or converted in place); examples from lib/docs/openapi-examples.ts.
 */
import * as examples from "./openapi-examples";
import { inline, ref, type JsonSchema } from "./openapi-components";
import { CursorSchema, LimitSchema } from "../api/schemas";

export type Method = "get" | "post";

export interface MediaType {
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

/** Operations by path and method: each resource's file exports the paths it answers as one of these. */
export type Paths = Record<string, Partial<Record<Method, Operation>>>;

// ---------------------------------------------------------------------------------------------------
// Building blocks

export const json = (schema: JsonSchema, example: unknown): Record<string, MediaType> => ({ "application/json": { schema, example } });
export const jsonExamples = (schema: JsonSchema, named: MediaType["examples"]): Record<string, MediaType> => ({
  "application/json": { schema, examples: named },
});

export const header = (description: string, schema: JsonSchema = { type: "string" }) => ({ description, schema });

export function error(description: string, detail: string, headers?: ResponseObject["headers"]): ResponseObject {
  return { description, ...(headers ? { headers } : {}), content: json(ref("HTTPError"), { detail }) };
}

export const notFound = (what: "Order" | "Saga") => error(`No ${what.toLowerCase()} has this id`, `${what} not found`);

/** Every write answers this to a browser page of another site (lib/api/handler.ts, crossSiteRefusal). */
export const crossSite = error(
  "A browser sent this write from another site's page (Sec-Fetch-Site, or Origin against Host): refused. " +
    "Clients that are not browsers send neither.",
  "Cross-site request refused: this API takes writes from its own pages and from clients that are not browsers",
);

export function pathParameter(name: "order_id" | "saga_id", description: string) {
  return {
    name,
    in: "path",
    required: true,
    description,
    schema: { type: "string" },
    example: name === "order_id" ? examples.exampleIds.order : examples.exampleIds.saga,
  };
}

export const validationExample = (loc: (string | number)[], type: string, msg: string, input?: unknown, ctx?: Record<string, unknown>) => ({
  detail: [{ type, loc, msg, ...(input === undefined ? {} : { input }), ...(ctx ? { ctx } : {}) }],
});

// ?limit= and ?cursor= of the lists, and the headers of a page that has a next one.
export const listParameters = [
  {
    name: "limit",
    in: "query",
    required: false,
    description: "Answer one page of at most this many, newest first; without it (and without a cursor), the whole list",
    schema: inline(LimitSchema),
    example: 20,
  },
  {
    name: "cursor",
    in: "query",
    required: false,
    description: "Where the page starts: the previous page's X-Next-Cursor",
    schema: inline(CursorSchema),
  },
];
export const pageHeaders = {
  Link: { ...header('`<path?limit=...&cursor=...>; rel="next"` when there is a next page'), required: false },
  "X-Next-Cursor": { ...header("The cursor of the next page, when there is one"), required: false },
};
export const listErrors = (extra: string) => ({
  description: `The limit is not a whole number from 1 to 500, or the cursor is not one this list gave${extra}`,
  content: json(
    ref("HTTPValidationError"),
    validationExample(["query", "limit"], "less_than_equal", "Input should be less than or equal to 500", "1000"),
  ),
});
