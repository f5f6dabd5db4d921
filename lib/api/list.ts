/**
 * The lists (GET /orders, GET /sagas): newest first. Without `?limit=` the whole list, as the seed
 * answers GET /orders, written a page at a time; with it, one page, and where the next one starts in
 * a `Link: <...>; rel="next"` header and an `X-Next-Cursor` header (the body stays the seed's array).
 */
import { parameterError, validationError } from "./errors";
import { jsonArrayResponse, jsonResponse } from "./json";
import { CursorSchema, LimitSchema, MAX_PAGE } from "./schemas";

type ListQuery = { whole: true } | { whole: false; limit: number; cursor?: string };

/** `?limit=` and `?cursor=`, or a 422 in FastAPI's shape. A cursor alone asks for a page of the largest size. */
function parseListQuery(request: Request): { ok: true; query: ListQuery } | { ok: false; response: Response } {
  const params = new URL(request.url).searchParams;
  const rawLimit = params.get("limit");
  const rawCursor = params.get("cursor");
  // A query string is text: a whole number first (pydantic's int_parsing), then its bounds.
  if (rawLimit !== null && !/^\s*[-+]?\d+\s*$/.test(rawLimit)) {
    const msg = "Input should be a valid integer, unable to parse string as an integer";
    return { ok: false, response: validationError([{ type: "int_parsing", loc: ["query", "limit"], msg, input: rawLimit }]) };
  }
  const limit = rawLimit === null ? undefined : LimitSchema.safeParse(Number(rawLimit));
  if (limit && !limit.success) return { ok: false, response: parameterError(["query", "limit"], LimitSchema, limit.error) };
  const cursor = rawCursor === null ? undefined : CursorSchema.safeParse(rawCursor);
  if (cursor && !cursor.success) return { ok: false, response: parameterError(["query", "cursor"], CursorSchema, cursor.error) };
  if (!limit && !cursor) return { ok: true, query: { whole: true } };
  return { ok: true, query: { whole: false, limit: limit?.data ?? MAX_PAGE, cursor: cursor?.data } };
}

/** A page of a list, newest first, and the cursor of the next page (null on the last). */
export interface Page<T> {
  items: T[];
  next: string | null;
}

/** Thrown by a list for a cursor that no page of it gave (made up, or of another list): a 422. */
export class BadCursor extends Error {}

/** A cursor, opaque to clients: the sort key of the last item of a page, base64url-encoded. */
export function encodeCursor(key: unknown): string {
  return Buffer.from(JSON.stringify(key)).toString("base64url");
}

/** The sort key a cursor carries, if it is one `valid` accepts; BadCursor otherwise. */
export function decodeCursor<T>(cursor: string, valid: (key: unknown) => key is T): T {
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw new BadCursor(cursor);
  }
  if (!valid(key)) throw new BadCursor(cursor);
  return key;
}

/** A page of at most `limit` items, newest first, after `cursor`. */
export type PageOf<T> = (limit: number, cursor?: string) => Promise<Page<T>>;

/** A whole list, read a page of the largest size at a time: never the whole table in memory at once. */
export async function* allPages<T>(page: PageOf<T>): AsyncGenerator<T[]> {
  for (let cursor: string | undefined; ;) {
    const { items, next } = await page(MAX_PAGE, cursor);
    yield items;
    if (next === null) return;
    cursor = next;
  }
}

/** One page: the items, and where the next page starts. */
function pageResponse(request: Request, page: Page<unknown>, limit: number): Response {
  const headers: Record<string, string> = {};
  if (page.next !== null) {
    const url = new URL(request.url);
    const next = new URLSearchParams(url.searchParams);
    next.set("limit", String(limit));
    next.set("cursor", page.next);
    // Under /api, as every link the API gives, whichever path the request used (GET /orders has a route of its own).
    const path = url.pathname.startsWith("/api/") ? url.pathname : `/api${url.pathname}`;
    headers.link = `<${path}?${next}>; rel="next"`;
    headers["x-next-cursor"] = page.next;
  }
  return jsonResponse(page.items, { headers });
}

/** The answer of a list route: the whole list (written as it is read) or one page, as the query asks. */
export async function listResponse<T>(request: Request, page: PageOf<T>): Promise<Response> {
  const parsed = parseListQuery(request);
  if (!parsed.ok) return parsed.response;
  const { query } = parsed;
  if (query.whole) return jsonArrayResponse(allPages(page));
  try {
    return pageResponse(request, await page(query.limit, query.cursor), query.limit);
  } catch (error) {
    if (!(error instanceof BadCursor)) throw error;
    return validationError([
      { type: "value_error", loc: ["query", "cursor"], msg: "Value error, not a cursor this list gave", input: query.cursor },
    ]);
  }
}
