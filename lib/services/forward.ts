/**
 * The services on the app's own port (/services/..., app/services/[...path]/route.ts), for curl: passed
 * on to this process's services thread, where their data is (start-thread.ts), or served here by a
 * process that serves one service alone (SAGA_ROLE), on its own database.
 */
import { readBody } from "../api/handler";
import { ownServicesUrl, serviceTimeoutMs, ServiceUnavailable } from "./client";
import { serveServices } from "./http";
import { exchange, failureReason } from "./transport";

/** Answers a request to the services under /services/ on the app's port; `path` is what follows it. */
export function servicesOnAppPort(request: Request, path: string[]): Promise<Response> {
  const thread = ownServicesUrl();
  return thread ? forwardToServices(request, thread) : serveServices(request, path);
}

// Headers that belong to one connection, not to the request or answer passed on (RFC 9110, 7.6.1), with
// those a Connection header names; the length is the exchange's own.
const HOP_BY_HOP = [
  "connection",
  "keep-alive",
  "transfer-encoding",
  "te",
  "trailer",
  "upgrade",
  "proxy-connection",
  "proxy-authenticate",
  "proxy-authorization",
  "host",
  "content-length",
];

function passedOn(headers: Iterable<[string, string | string[] | undefined]>): Record<string, string> {
  const all = [...headers].map(([name, value]) => [name.toLowerCase(), Array.isArray(value) ? value.join(", ") : value] as const);
  const named =
    all
      .find(([name]) => name === "connection")?.[1]
      ?.split(",")
      .map((token) => token.trim().toLowerCase()) ?? [];
  const dropped = new Set([...HOP_BY_HOP, ...named]);
  const kept: Record<string, string> = {};
  for (const [name, value] of all) if (value !== undefined && !dropped.has(name)) kept[name] = value;
  return kept;
}

// Statuses whose answer has no body (a Response refuses one).
const NO_BODY = new Set([204, 205, 304]);

/**
 * A request to the services on the app's own port (/services/...), passed on to their thread, where
 * their data is (`base`): its method, path, headers and body (read within the app's
 * limits: 413, 408), and the answer as it came. No answer from the thread within the services' timeout
 * is a ServiceUnavailable (503).
 */
async function forwardToServices(request: Request, base: string): Promise<Response> {
  const { pathname, search } = new URL(request.url);
  let body: string | undefined;
  if (request.method !== "GET" && request.method !== "HEAD") {
    const read = await readBody(request);
    if (!read.ok) return read.response;
    body = read.data;
  }
  const signal = AbortSignal.any([request.signal, AbortSignal.timeout(serviceTimeoutMs())]);
  try {
    const reply = await exchange(request.method, `${base}${pathname}${search}`, { headers: passedOn(request.headers), body, signal });
    const text = await reply.text();
    const empty = request.method === "HEAD" || NO_BODY.has(reply.status);
    return new Response(empty ? null : text, { status: reply.status, headers: passedOn(Object.entries(reply.headers())) });
  } catch (error) {
    if (request.signal.aborted) throw error;
    throw new ServiceUnavailable(
      `The services did not answer ${request.method} ${pathname}: ${signal.aborted ? "timeout" : failureReason(error)}`,
    );
  }
}
