// Answers the HTTP methods Next.js cannot route, before Next.js sees them: 405 {"detail": "Method Not
// Allowed"}, FastAPI's answer, on every path. instrumentation.ts installs it when the server starts,
// before any request is handled (`npm start`, the Docker image, `npm run dev` and the tests alike).
//
// Why here and not in proxy.ts or a route handler: Next.js turns every request into a fetch `Request`
// before any code of ours runs (the proxy's and the route handlers' `NextRequest`), and Node's `Request`
// throws for TRACE, TRACK and CONNECT ("'TRACE' HTTP method is unsupported"), which Next.js answers
// with a plain-text 500. Methods Node's parser knows but Next.js does not route (PROPFIND, PURGE...)
// get an empty 400 from a route handler, CONNECT a closed socket, and methods the parser does not know
// (TRACK, FOO) an empty 400. It patches http.Server.prototype.emit, so it takes effect for a server
// created before it was installed too.
//
// Three more things every request needs before Next.js, answered here where they cost nothing: a path
// with malformed percent-encoding gets FastAPI's JSON 404 (Next.js's router would answer a plain-text
// 500), so does a path a process serving one service alone does not serve (lib/role.ts), and the
// request is stamped with its peer's address (PEER_ADDRESS_HEADER).
import http from "node:http";
import type { Socket } from "node:net";
import { positiveSetting } from "./db/config";
import { serverRole, serves, type Role } from "./role";

/**
 * How long a request's body may take to arrive once its handler reads it (SAGA_BODY_TIMEOUT_MS, default
 * 10 s): a client that declares more than it sends, or trickles it, gets a 408 rather than holding a
 * connection. A value that is not a positive whole number stops the start.
 */
export function bodyTimeoutMs(env: Record<string, string | undefined> = process.env): number {
  return positiveSetting(env, "SAGA_BODY_TIMEOUT_MS", 10_000, true);
}

// Node's own bound on receiving a whole request (five minutes by default) comes this long after the
// handlers' body timeout, so that a handler reading its body answers its 408 in JSON first; it cuts the
// requests no handler reads in time: headers that trickle, a body declared but never sent to a route
// that does not read one. (Node checks it every 30 s.)
const NODE_REQUEST_TIMEOUT_MARGIN_MS = 5_000;

/**
 * The header in which every request carries the address of the peer that sent it, set here from the
 * socket (whatever a client sent under that name is replaced): route handlers see no socket, and
 * X-Forwarded-For is whatever the client says unless a proxy of ours wrote it.
 */
export const PEER_ADDRESS_HEADER = "x-saga-peer-address";

/** The methods Next.js routes (route handlers and pages); every other one is answered here. */
export const ROUTED_METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);

const body = JSON.stringify({ detail: "Method Not Allowed" });

/** The raw answer, for a socket that has no ServerResponse (CONNECT, or a request the parser refused). */
const rawAnswer =
  "HTTP/1.1 405 Method Not Allowed\r\n" +
  "content-type: application/json\r\n" +
  `content-length: ${Buffer.byteLength(body)}\r\n` +
  "connection: close\r\n\r\n" +
  body;

const notFound = JSON.stringify({ detail: "Not Found" });

/** Whether a path is valid percent-encoded text: Next.js's router fails with a plain-text 500 on one that is not. */
function decodes(path: string): boolean {
  try {
    decodeURIComponent(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * A path with malformed percent-encoding (/orders/%ZZ): FastAPI's JSON 404, or on a timeline page a
 * redirect to the timeline's own "Saga not found" (no saga id is malformed text). Answered here, before
 * Next.js, so that no request pays for a proxy (middleware) to catch it.
 */
function answerMalformed(request: http.IncomingMessage, response: http.ServerResponse, path: string) {
  request.resume();
  if (path.startsWith("/timeline/")) {
    response.writeHead(307, { location: "/timeline/malformed-saga-id", "content-length": 0 });
    response.end();
    return;
  }
  answerNotFound(request, response);
}

/** FastAPI's JSON 404: for a malformed path, or one this process does not serve (it serves one service alone: lib/role.ts). */
function answerNotFound(request: http.IncomingMessage, response: http.ServerResponse) {
  request.resume();
  answerJson(response, 404, notFound);
}

/** A JSON answer written straight on Node's response (`text`: the JSON), for what is answered before any handler runs. */
export function answerJson(response: http.ServerResponse, status: number, text: string): void {
  response.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  response.end(text);
}

let role: Role | undefined;
/** SAGA_ROLE, read once (a bad one stops the start in instrumentation.ts; until then, all). */
function ownRole(): Role {
  try {
    return (role ??= serverRole());
  } catch {
    return "all";
  }
}

function answerRequest(request: http.IncomingMessage, response: http.ServerResponse) {
  // Whatever body came with it is not read: drain it, so the connection can serve the next request.
  request.resume();
  answerJson(response, 405, body);
}

function answerSocket(socket: Socket) {
  if (socket.writable) socket.end(rawAnswer);
  else socket.destroy();
}

/** CONNECT requests only reach a server that listens for them; otherwise Node closes the socket unanswered. */
const withConnectListener = new WeakSet<http.Server>();

// Every response not yet written out to its socket (on globalThis: the shutdown, bundled apart, reads it).
const globalForResponses = globalThis as unknown as { sagaStudioResponses?: Set<http.ServerResponse> };
const openResponses = (globalForResponses.sagaStudioResponses ??= new Set());

/**
 * How many answers are still being written, live streams left out (they end only when their client
 * goes): a shutdown waits for these, since a handler that has returned its Response has not yet sent it.
 */
export function answersBeingWritten(): number {
  let count = 0;
  for (const response of openResponses) {
    if (!String(response.getHeader("content-type") ?? "").startsWith("text/event-stream")) count++;
  }
  return count;
}

type Emit = ((this: http.Server, event: string, ...args: unknown[]) => boolean) & { methodGuard?: boolean };

export function installMethodGuard(Server: typeof http.Server = http.Server): void {
  if ((Server.prototype.emit as Emit).methodGuard) return;
  const emit = Server.prototype.emit as Emit;
  const guardedEmit: Emit = function (this: http.Server, event: string, ...args: unknown[]) {
    if (!withConnectListener.has(this) && (event === "listening" || event === "request")) {
      withConnectListener.add(this);
      // (A bad SAGA_BODY_TIMEOUT_MS stops the start in instrumentation.ts; until then, the default.)
      let bodyMs = 10_000;
      try {
        bodyMs = bodyTimeoutMs();
      } catch {
        // reported at start-up
      }
      this.requestTimeout = bodyMs + NODE_REQUEST_TIMEOUT_MARGIN_MS;
      this.headersTimeout = Math.min(this.headersTimeout, this.requestTimeout);
      if (this.listenerCount("connect") === 0) this.on("connect", (_request: http.IncomingMessage, socket: Socket) => answerSocket(socket));
    }
    if (event === "request") {
      const [request, response] = args as [http.IncomingMessage, http.ServerResponse];
      if (!ROUTED_METHODS.has(request.method ?? "")) {
        answerRequest(request, response);
        return true;
      }
      const path = (request.url ?? "/").split("?")[0];
      if (!decodes(path)) {
        answerMalformed(request, response, path);
        return true;
      }
      if (!serves(ownRole(), path)) {
        answerNotFound(request, response);
        return true;
      }
      request.headers[PEER_ADDRESS_HEADER] = request.socket.remoteAddress ?? "unknown";
      openResponses.add(response);
      response.once("close", () => openResponses.delete(response));
    }
    // A method Node's parser does not know at all (TRACK, FOO): nothing was parsed, so answer on the socket.
    if (event === "clientError" && (args[0] as { code?: string } | undefined)?.code === "HPE_INVALID_METHOD") {
      answerSocket(args[1] as Socket);
      return true;
    }
    return emit.call(this, event, ...args);
  };
  guardedEmit.methodGuard = true;
  Server.prototype.emit = guardedEmit as typeof Server.prototype.emit;
}
