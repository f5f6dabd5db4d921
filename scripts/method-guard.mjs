// Answers the HTTP methods Next.js cannot route, before Next.js sees them: 405 {"detail": "Method Not
// Allowed"}, FastAPI's answer, on every path.
//
// Why here and not in proxy.ts or a route handler: Next.js turns every request into a fetch `Request`
// before any code of ours runs (the proxy's and the route handlers' `NextRequest`), and Node's `Request`
// throws for TRACE, TRACK and CONNECT ("'TRACE' HTTP method is unsupported"), which Next.js answers
// with a plain-text 500. Methods Node's parser knows but Next.js does not route (PROPFIND, PURGE...)
// get an empty 400 from a route handler, CONNECT a closed socket, and methods the parser does not know
// (TRACK, FOO) an empty 400. scripts/build.mjs makes the standalone server.js import this module
// first, so `npm start`, the Docker image and the tests all run it.
import http from "node:http";

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

function answerRequest(request, response) {
  // Whatever body came with it is not read: drain it, so the connection can serve the next request.
  request.resume();
  response.writeHead(405, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
  response.end(body);
}

function answerSocket(socket) {
  if (socket.writable) socket.end(rawAnswer);
  else socket.destroy();
}

/** CONNECT requests only reach a server that listens for them; otherwise Node closes the socket unanswered. */
const withConnectListener = new WeakSet();

export function installMethodGuard(Server = http.Server) {
  if (Server.prototype.emit.methodGuard) return;
  const emit = Server.prototype.emit;
  function guardedEmit(event, ...args) {
    if (!withConnectListener.has(this) && (event === "listening" || event === "request")) {
      withConnectListener.add(this);
      if (this.listenerCount("connect") === 0) this.on("connect", (_request, socket) => answerSocket(socket));
    }
    if (event === "request" && !ROUTED_METHODS.has(args[0].method)) {
      answerRequest(args[0], args[1]);
      return true;
    }
    // A method Node's parser does not know at all (TRACK, FOO): nothing was parsed, so answer on the socket.
    if (event === "clientError" && args[0]?.code === "HPE_INVALID_METHOD") {
      answerSocket(args[1]);
      return true;
    }
    return emit.call(this, event, ...args);
  }
  guardedEmit.methodGuard = true;
  Server.prototype.emit = guardedEmit;
}

installMethodGuard();
