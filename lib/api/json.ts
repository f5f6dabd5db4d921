/**
 * JSON responses. Money is written the way Python prints a float (`1000.0`, not `1000`), so bodies read
 * exactly as the seed's FastAPI service wrote them; JSON.stringify alone cannot produce `1000.0`.
 */
import { randomBytes } from "node:crypto";
import { pythonDollars } from "../money";

// A placeholder no client string can contain: it carries a per-process random token.
const token = randomBytes(8).toString("hex");
const placeholder = new RegExp(`"${token}:(-?\\d+)"`, "g");

/** Dollars in a response body, from integer cents. */
export class Money {
  constructor(readonly cents: number) {}
  toJSON(): string {
    return `${token}:${this.cents}`;
  }
}

export function money(cents: number): Money {
  return new Money(cents);
}

export function toJson(body: unknown): string {
  return JSON.stringify(body).replace(placeholder, (_, cents: string) => pythonDollars(Number(cents)));
}

export function jsonResponse(body: unknown, init: ResponseInit = {}): Response {
  const headers = new Headers(init.headers);
  headers.set("content-type", "application/json");
  return new Response(toJson(body), { ...init, headers });
}

/**
 * A JSON array written as its pages arrive: a whole list is never in memory at once, however long.
 * The first page is read before the answer starts, so that a database that cannot serve gives its
 * proper error status; a failure after that can only cut the body short (the status is sent), and the
 * client sees invalid JSON rather than a partial list taken for whole.
 */
export async function jsonArrayResponse(pages: AsyncIterable<unknown[]>, init: ResponseInit = {}): Promise<Response> {
  const encoder = new TextEncoder();
  const iterator = pages[Symbol.asyncIterator]();
  let next: IteratorResult<unknown[]> | undefined = await iterator.next();
  let first = true;
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode("["));
    },
    async pull(controller) {
      const { done, value } = next ?? (await iterator.next());
      next = undefined;
      if (done) {
        controller.enqueue(encoder.encode("]"));
        controller.close();
        return;
      }
      if (value.length === 0) return;
      const text = toJson(value).slice(1, -1);
      controller.enqueue(encoder.encode(first ? text : `,${text}`));
      first = false;
    },
    async cancel() {
      await iterator.return?.(undefined);
    },
  });
  const headers = new Headers(init.headers);
  headers.set("content-type", "application/json");
  return new Response(body, { ...init, headers });
}
