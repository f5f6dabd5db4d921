/** What every route handler shares: JSON bodies with FastAPI's errors, 405s, and no HTML error pages. */
import type { z } from "zod";
import { describeFault, isDatabaseFault } from "../db/faults";
import { logger } from "../log";
import { TooManyRequests } from "../limits";
import { errorResponse, validationError, zodDetails } from "./errors";

const log = logger("api");

/** Bodies larger than this are refused with 413 before they are read in full. */
export const MAX_BODY_BYTES = 64 * 1024;
/** JSON nested deeper than this is refused: no order is, and echoing it back in a 422 would be costly. */
export const MAX_JSON_DEPTH = 32;

type Handler<A extends unknown[]> = (...args: A) => Promise<Response> | Response;

// Requests being handled now, across every route's bundle (globalThis): a shutdown waits for them.
const globalForRequests = globalThis as unknown as { sagaStudioRequests?: { count: number } };
const requests = (globalForRequests.sagaStudioRequests ??= { count: 0 });

/** How many requests are being handled right now (a stream counts until its response has started). */
export function requestsInFlight(): number {
  return requests.count;
}

/**
 * Wraps a route handler: a database that cannot serve right now (a full disk, a file removed under the
 * server) answers a JSON 503 with Retry-After, a fault of ours a JSON 500, never an HTML error page.
 */
export function handle<A extends unknown[]>(handler: Handler<A>): (...args: A) => Promise<Response> {
  return async (...args: A) => {
    requests.count++;
    try {
      return await handler(...args);
    } catch (error) {
      if (error instanceof TooManyRequests) return errorResponse(429, error.message, { "retry-after": String(error.retryAfterSeconds) });
      if (isDatabaseFault(error)) {
        log.warn(`The database refused a request: ${describeFault(error)}`);
        return errorResponse(503, `The database is unavailable: ${describeFault(error)}. Retry shortly.`, { "retry-after": "5" });
      }
      log.error(`Unhandled error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      return errorResponse(500, "Internal Server Error");
    } finally {
      requests.count--;
    }
  };
}

// The 405 handlers, so that tests/openapi.test.ts can tell the methods a route serves from the ones it refuses.
const notAllowedHandlers = new WeakSet<object>();

/** Handlers for the methods a path does not serve: 405 with an Allow header, as FastAPI answers. */
export function methodsNotAllowed(allowed: string[]) {
  const notAllowed = async () => errorResponse(405, "Method Not Allowed", { allow: allowed.join(", ") });
  notAllowedHandlers.add(notAllowed);
  return { GET: notAllowed, POST: notAllowed, PUT: notAllowed, PATCH: notAllowed, DELETE: notAllowed, OPTIONS: notAllowed };
}

class BodyTooLarge extends Error {}

async function readText(request: Request): Promise<string> {
  const declared = Number(request.headers.get("content-length") ?? 0);
  if (declared > MAX_BODY_BYTES) throw new BodyTooLarge();
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_BODY_BYTES) {
      await reader.cancel();
      throw new BodyTooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** How deeply a parsed JSON value nests, measured without recursion (it may be thousands deep). */
function depth(value: unknown): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [item, level] = stack.pop()!;
    if (item === null || typeof item !== "object") continue;
    deepest = Math.max(deepest, level);
    if (deepest > MAX_JSON_DEPTH) return deepest;
    for (const child of Object.values(item)) stack.push([child, level + 1]);
  }
  return deepest;
}

export type Parsed<T> = { ok: true; data: T } | { ok: false; response: Response };

/** Reads a JSON body and validates it: 413 when too large, 422 in FastAPI's shape when invalid. */
export async function parseJsonBody<S extends z.ZodType>(request: Request, schema: S): Promise<Parsed<z.infer<S>>> {
  let text: string;
  try {
    text = await readText(request);
  } catch (error) {
    // The rest of the body is still on the connection, unread: close it rather than let the next request trip on it.
    if (error instanceof BodyTooLarge)
      return { ok: false, response: errorResponse(413, "Request body too large", { connection: "close" }) };
    throw error;
  }
  if (text.trim() === "") {
    return { ok: false, response: validationError([{ type: "missing", loc: ["body"], msg: "Field required", input: null }]) };
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : "Invalid JSON";
    const position = Number(/position (\d+)/.exec(reason)?.[1] ?? 0);
    return {
      ok: false,
      response: validationError([{ type: "json_invalid", loc: ["body", position], msg: "JSON decode error", input: {}, ctx: { error: reason } }]),
    };
  }
  if (depth(body) > MAX_JSON_DEPTH) {
    return {
      ok: false,
      response: validationError([{ type: "json_invalid", loc: ["body"], msg: `JSON nested deeper than ${MAX_JSON_DEPTH} levels` }]),
    };
  }
  const result = schema.safeParse(body, { reportInput: true });
  if (!result.success) return { ok: false, response: validationError(zodDetails(result.error, schema)) };
  return { ok: true, data: result.data };
}

/** Whether a route module's export is one of methodsNotAllowed's 405 handlers rather than a method it serves. */
export function isMethodNotAllowed(handler: unknown): boolean {
  return typeof handler === "function" && notAllowedHandlers.has(handler);
}
