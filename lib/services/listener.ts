/**
 * The services' own HTTP listener: the services' handler (http.ts) on a loopback port of its own, without
 * Next.js in the way. By default the app's server starts one in the services' own thread (thread.ts), and the
 * order saga calls the services there, over real HTTP: Next.js's routing costs a request more than a
 * service's whole work, and a saga makes three. The same services also answer under /services/... on the
 * app's own port, for anyone with curl (passed on to this listener: the same data either way).
 *
 * The tests start one too (tests/setup-env.ts): a connection to lose, a server to stop, a port to find
 * refused; with `count`, it counts the requests it received.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { handle, MAX_BODY_BYTES } from "../api/handler";
import { logger } from "../log";
import { answerJson } from "../method-guard";
import { serveServices } from "./http";

const log = logger("services");

export interface ServicesListener {
  url: string;
  port: number;
  /** With `count`: requests received, by path ("/services/payment/charges"). */
  received: Map<string, number>;
  close(): Promise<void>;
}

// A request's body is read whole before it is handled: past MAX_BODY_BYTES it is drained, not kept (the
// handler refuses it with 413). The services' callers are this app's orchestrators, on loopback: a body
// that trickles in is cut off by Node's request timeout, which lib/method-guard.ts sets (in the services'
// thread too: thread.ts installs it there).
function bodyOf(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      if (size > MAX_BODY_BYTES) return;
      chunks.push(chunk);
      size += chunk.length;
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

const serve = handle((request: Request, path: string[]) => serveServices(request, path));

/**
 * Listens on 127.0.0.1:`port` (0: any free port) for the services' requests; with `count`, counts them
 * by path (the tests do; a server would count every order's read apart, for ever).
 */
export async function startServicesListener({
  port = 0,
  count = false,
}: { port?: number; count?: boolean } = {}): Promise<ServicesListener> {
  const received = new Map<string, number>();
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    if (count) received.set(url.pathname, (received.get(url.pathname) ?? 0) + 1);
    // The caller gone (its timeout cancelled the request) aborts the request's signal: a slow service sees it.
    const gone = new AbortController();
    res.on("close", () => gone.abort());
    let request: Request;
    try {
      const hasBody = req.method !== "GET" && req.method !== "HEAD";
      request = new Request(url, {
        method: req.method,
        headers: req.headers as Record<string, string>,
        body: hasBody ? new Uint8Array(await bodyOf(req)) : undefined,
        signal: gone.signal,
      });
    } catch (error) {
      // The connection broke while the request was read: nobody is left to answer. Else a method no
      // Request can carry (TRACE, CONNECT: the app's method guard answers those before they get here).
      if (req.destroyed || gone.signal.aborted) return void res.destroy();
      return void answerJson(
        res,
        405,
        JSON.stringify({ detail: `Method Not Allowed: ${error instanceof Error ? error.message : String(error)}` }),
      );
    }
    const path = url.pathname.startsWith("/services/") ? url.pathname.slice("/services/".length).split("/") : [];
    try {
      // `handle` answers every failure of the handler in JSON.
      const response = await serve(request, path);
      res.writeHead(response.status, Object.fromEntries(response.headers));
      res.end(Buffer.from(await response.arrayBuffer()));
    } catch (error) {
      // The answer could not be sent (the connection is gone): a rejection here would end the process.
      log.debug(`The services' listener could not answer ${req.method} ${url.pathname}: ${String(error)}`);
      res.destroy();
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject).listen(port, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  server.on("error", (error) => log.error(`The services' listener failed: ${error.message}`));
  const actual = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${actual}`,
    port: actual,
    received,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
