/** What every route handler shares: JSON bodies with FastAPI's errors, 405s, and no HTML error pages. */
import type { z } from "zod";
import { logger } from "../log";
import { errorResponse, validationError, zodDetails } from "./errors";

const log = logger("api");

/** Bodies larger than this are refused with 413 before they are read in full. */
export const MAX_BODY_BYTES = 64 * 1024;

type Handler<A extends unknown[]> = (...args: A) => Promise<Response> | Response;

/** Wraps a route handler so that a fault of ours answers a JSON 500, never an HTML error page. */
export function handle<A extends unknown[]>(handler: Handler<A>): (...args: A) => Promise<Response> {
  return async (...args: A) => {
    try {
      return await handler(...args);
    } catch (error) {
      log.error(`Unhandled error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      return errorResponse(500, "Internal Server Error");
    }
  };
}

/** Handlers for the methods a path does not serve: 405 with an Allow header, as FastAPI answers. */
export function methodsNotAllowed(allowed: string[]) {
  const notAllowed = async () => errorResponse(405, "Method Not Allowed", { allow: allowed.join(", ") });
  return { GET: notAllowed, POST: notAllowed, PUT: notAllowed, PATCH: notAllowed, DELETE: notAllowed };
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

export type Parsed<T> = { ok: true; data: T } | { ok: false; response: Response };

/** Reads a JSON body and validates it: 413 when too large, 422 in FastAPI's shape when invalid. */
export async function parseJsonBody<S extends z.ZodType>(request: Request, schema: S): Promise<Parsed<z.infer<S>>> {
  let text: string;
  try {
    text = await readText(request);
  } catch (error) {
    if (error instanceof BodyTooLarge) return { ok: false, response: errorResponse(413, "Request body too large") };
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
  const result = schema.safeParse(body, { reportInput: true });
  if (!result.success) return { ok: false, response: validationError(zodDetails(result.error)) };
  return { ok: true, data: result.data };
}
