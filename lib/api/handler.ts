/** What every route handler shares: JSON bodies with FastAPI's errors, 405s, and no HTML error pages. */
import type { z } from "zod";
import { describeFault, isDatabaseFault } from "../db/faults";
import { logger } from "../log";
import { TooManyRequests } from "../limits";
import { bodyTimeoutMs } from "../method-guard";
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
    const request = args[0] instanceof Request ? args[0] : undefined;
    try {
      const refusal = request && crossSiteRefusal(request);
      if (refusal) return refusal;
      return await handler(...args);
    } catch (error) {
      // The client went away while its request was read: nobody is left to answer, and nothing is wrong here.
      if (request && clientAborted(request, error)) {
        log.debug(`The client closed the connection before its request was read: ${request.method} ${new URL(request.url).pathname}`);
        return errorResponse(400, "The client closed the connection", { connection: "close" });
      }
      if (error instanceof TooManyRequests) return errorResponse(429, error.message, { "retry-after": String(error.retryAfterSeconds) });
      // A service the app reads from (lib/services) did not answer: not the client's fault, and it may pass.
      if ((error as { code?: string } | undefined)?.code === "SERVICE_UNAVAILABLE") {
        log.warn(String((error as Error).message));
        return errorResponse(503, `${(error as Error).message}. Retry shortly.`, { "retry-after": "5" });
      }
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

function clientAborted(request: Request, error: unknown): boolean {
  if (request.signal.aborted) return true;
  const { code, message } = (error ?? {}) as { code?: string; message?: string };
  return code === "ECONNRESET" || code === "ERR_STREAM_PREMATURE_CLOSE" || message === "aborted";
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * A write sent by another site's page (a form, a script's fetch) is refused, as Next.js refuses a Server
 * Action from another origin: a browser says where a request comes from (Sec-Fetch-Site, or else
 * Origin against Host). Clients that are not browsers (curl, scripts) send neither, and go through.
 */
export function crossSiteRefusal(request: Request): Response | undefined {
  if (SAFE_METHODS.has(request.method)) return undefined;
  const site = request.headers.get("sec-fetch-site");
  let crossSite = site === "cross-site" || site === "same-site";
  const origin = request.headers.get("origin");
  if (site === null && origin !== null) {
    let originHost: string | undefined;
    try {
      originHost = new URL(origin).host;
    } catch {
      originHost = undefined;
    }
    const host = (process.env.SAGA_TRUST_PROXY === "true" && request.headers.get("x-forwarded-host")) || request.headers.get("host");
    crossSite = originHost === undefined || originHost !== host;
  }
  if (!crossSite) return undefined;
  return errorResponse(403, "Cross-site request refused: this API takes writes from its own pages and from clients that are not browsers");
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
class BodyTooSlow extends Error {}

async function readText(request: Request): Promise<string> {
  const declared = Number(request.headers.get("content-length") ?? 0);
  if (declared > MAX_BODY_BYTES) throw new BodyTooLarge();
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let timer: NodeJS.Timeout | undefined;
  const tooSlow = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new BodyTooSlow()), bodyTimeoutMs());
  });
  try {
    for (;;) {
      const { done, value } = await Promise.race([reader.read(), tooSlow]);
      if (done) break;
      size += value.byteLength;
      if (size > MAX_BODY_BYTES) {
        await reader.cancel();
        throw new BodyTooLarge();
      }
      chunks.push(value);
    }
  } catch (error) {
    if (error instanceof BodyTooSlow) reader.cancel().catch(() => undefined);
    throw error;
  } finally {
    clearTimeout(timer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * Whether a Content-Type names JSON, as FastAPI decides it: `application/json` or `application/<x>+json`,
 * whatever its parameters (a charset). No Content-Type at all is read as JSON too.
 */
export function isJsonContentType(header: string | null): boolean {
  if (header === null) return true;
  const [type, subtype = ""] = header.split(";")[0].trim().toLowerCase().split("/");
  return type === "application" && (subtype === "json" || subtype.endsWith("+json"));
}

/** The path of the first key named `__proto__` in a parsed JSON value: a key no field has, which zod would drop unseen. */
function protoKeyPath(value: unknown): (string | number)[] | undefined {
  const stack: [unknown, (string | number)[]][] = [[value, []]];
  while (stack.length > 0) {
    const [item, path] = stack.pop()!;
    if (item === null || typeof item !== "object") continue;
    for (const key of Object.keys(item)) {
      if (key === "__proto__") return [...path, key];
      stack.push([(item as Record<string, unknown>)[key], [...path, Array.isArray(item) ? Number(key) : key]]);
    }
  }
  return undefined;
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
/** The request's body as text, at most MAX_BODY_BYTES and within bodyTimeoutMs; or the 413 or 408 that refuses it. */
export async function readBody(request: Request): Promise<Parsed<string>> {
  log.debug(
    `Reading the body of ${request.method} ${new URL(request.url).pathname} ` +
      `(${request.headers.get("content-length") ?? "no"} bytes declared)`,
  );
  try {
    return { ok: true, data: await readText(request) };
  } catch (error) {
    // The rest of the body is still on the connection, unread: close it rather than let the next request trip on it.
    if (error instanceof BodyTooLarge)
      return { ok: false, response: errorResponse(413, "Request body too large", { connection: "close" }) };
    if (error instanceof BodyTooSlow)
      return {
        ok: false,
        response: errorResponse(408, `The request body did not arrive within ${bodyTimeoutMs() / 1000} s`, { connection: "close" }),
      };
    throw error;
  }
}

export async function parseJsonBody<S extends z.ZodType>(request: Request, schema: S): Promise<Parsed<z.infer<S>>> {
  const read = await readBody(request);
  if (!read.ok) return read;
  const text = read.data;
  if (text.trim() === "") {
    return { ok: false, response: validationError([{ type: "missing", loc: ["body"], msg: "Field required", input: null }]) };
  }
  // FastAPI reads a body sent under another type (text/plain, a form) as bytes, which no model accepts.
  // It is what keeps a plain HTML form on another site from posting JSON here.
  if (!isJsonContentType(request.headers.get("content-type"))) {
    return {
      ok: false,
      response: validationError([
        {
          type: "model_attributes_type",
          loc: ["body"],
          msg: "Input should be a valid dictionary or object to extract fields from",
          input: text,
        },
      ]),
    };
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : "Invalid JSON";
    const position = Number(/position (\d+)/.exec(reason)?.[1] ?? 0);
    return {
      ok: false,
      response: validationError([
        { type: "json_invalid", loc: ["body", position], msg: "JSON decode error", input: {}, ctx: { error: reason } },
      ]),
    };
  }
  if (depth(body) > MAX_JSON_DEPTH) {
    return {
      ok: false,
      response: validationError([{ type: "json_invalid", loc: ["body"], msg: `JSON nested deeper than ${MAX_JSON_DEPTH} levels` }]),
    };
  }
  const proto = protoKeyPath(body);
  if (proto) {
    return {
      ok: false,
      response: validationError([
        { type: "value_error", loc: ["body", ...proto], msg: "Value error, no field is named __proto__", input: "__proto__" },
      ]),
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
