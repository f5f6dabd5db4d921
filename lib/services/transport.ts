/**
 * One HTTP exchange with a service, on node:http with kept-alive connections: the orchestrator's calls
 * (three a saga) and the app's own requests (reads, resets). Not the global fetch: in a Next.js server
 * that is Next.js's own, which wraps every call for its caches and tracing, and with undici's streams
 * costs a saga several times the CPU of this (`npm run bench` measures a saga).
 *
 * The exchange is cut off when `signal` fires (its reason is thrown). A failure before any answer throws
 * a TransportError whose `code` says what happened (ECONNREFUSED: no connection was made at all).
 */
import http from "node:http";
import https from "node:https";

export interface Reply {
  status: number;
  header(name: string): string | undefined;
  /** Every header of the answer, as received. */
  headers(): Record<string, string | string[] | undefined>;
  /** The body as text; rejects with a TransportError when the connection drops before its end. */
  text(): Promise<string>;
  /** Drops the connection without reading the body (a staged lost answer). */
  drop(): void;
}

/** No answer: `code` is Node's (ECONNREFUSED, ECONNRESET, ...). When the caller's signal fired, its reason is thrown instead. */
export class TransportError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "TransportError";
  }
}

// Kept-alive connections, per process (on globalThis: Next.js bundles each route apart). An idle one is
// closed a second before the server says it would close it (its Keep-Alive: timeout=5), so that no
// request goes out on a connection the server is closing: Node's agent heeds that hint only when it has
// a timeout of its own, and the hint is shorter. (A connection in use that is quiet this long is not cut.)
const IDLE_MS = 60_000;
const globalForAgents = globalThis as unknown as { sagaStudioAgents?: { http: http.Agent; https: https.Agent } };
const agents = (globalForAgents.sagaStudioAgents ??= {
  http: new http.Agent({ keepAlive: true, timeout: IDLE_MS }),
  https: new https.Agent({ keepAlive: true, timeout: IDLE_MS }),
});

/** What an exchange's failure was, in a word where Node has one (ECONNREFUSED), else its message. */
export function failureReason(error: unknown): string {
  if (error instanceof TransportError) return error.code;
  return error instanceof Error ? error.message : String(error);
}

function failure(error: unknown, signal: AbortSignal): unknown {
  if (signal.aborted) return signal.reason;
  const code = (error as NodeJS.ErrnoException).code;
  return new TransportError(code ?? "ERROR", code ?? (error instanceof Error ? error.message : String(error)));
}

export function exchange(
  method: string,
  url: string,
  { headers, body, signal }: { headers: Record<string, string>; body?: string; signal: AbortSignal },
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const target = new URL(url);
    const secure = target.protocol === "https:";
    const sent = (secure ? https : http).request(target, {
      method,
      agent: secure ? agents.https : agents.http,
      headers: body === undefined ? headers : { ...headers, "content-length": String(Buffer.byteLength(body)) },
    });
    const cut = () => sent.destroy();
    signal.addEventListener("abort", cut, { once: true });
    const done = () => signal.removeEventListener("abort", cut);
    sent.on("error", (error) => {
      done();
      reject(failure(error, signal));
    });
    sent.on("response", (response) => {
      let text: Promise<string> | undefined;
      resolve({
        status: response.statusCode ?? 0,
        header: (name) => {
          const value = response.headers[name.toLowerCase()];
          return Array.isArray(value) ? value.join(", ") : value;
        },
        headers: () => response.headers,
        text: () =>
          (text ??= new Promise<string>((ok, broken) => {
            const chunks: Buffer[] = [];
            response.on("data", (chunk: Buffer) => chunks.push(chunk));
            response.on("end", () => {
              done();
              ok(Buffer.concat(chunks).toString("utf8"));
            });
            response.on("error", (error) => {
              done();
              broken(failure(error, signal));
            });
            response.on("aborted", () => {
              done();
              broken(failure(Object.assign(new Error("aborted"), { code: "ECONNRESET" }), signal));
            });
          })),
        drop: () => {
          done();
          response.destroy();
          sent.destroy();
        },
      });
    });
    sent.end(body);
  });
}
