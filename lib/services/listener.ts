/**
 * The services' own HTTP listener: the services' handler (http.ts) on a loopback port of its own, without
 * Next.js in the way. By default the app's server starts one (instrumentation.ts), and the order saga calls
 * the services there, over real HTTP: Next.js's routing costs a request more than a service's whole work,
 * and a saga makes three. The same services also answer under /services/... on the app's own port, for
 * anyone with curl (one handler, one database: the same data either way).
 *
 * The tests start one too (tests/setup-env.ts): a connection to lose, a server to stop, a port to find
 * refused; it counts the requests it received.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { handle, MAX_BODY_BYTES } from "../api/handler";
import { bodyTimeoutMs } from "../method-guard";
import { serveServices } from "./http";

export interface ServicesListener {
  url: string;
  port: number;
  /** Requests received, by path ("/services/payment/charges"). */
  received: Map<string, number>;
  close(): Promise<void>;
}

// A request's body is read whole before it is handled (the handler refuses one past MAX_BODY_BYTES: reading stops just beyond).
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

/** Listens on 127.0.0.1:`port` (0: any free port) for the services' requests. */
export async function startServicesListener(port = 0): Promise<ServicesListener> {
  const received = new Map<string, number>();
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    received.set(url.pathname, (received.get(url.pathname) ?? 0) + 1);
    // The caller gone (its timeout cancelled the request) aborts the request's signal: a slow service sees it.
    const gone = new AbortController();
    res.on("close", () => gone.abort());
    try {
      const hasBody = req.method !== "GET" && req.method !== "HEAD";
      const request = new Request(url, {
        method: req.method,
        headers: req.headers as Record<string, string>,
        body: hasBody ? new Uint8Array(await bodyOf(req)) : undefined,
        signal: gone.signal,
      });
      const path = url.pathname.startsWith("/services/") ? url.pathname.slice("/services/".length).split("/") : [];
      const response = await serve(request, path);
      res.writeHead(response.status, Object.fromEntries(response.headers));
      res.end(Buffer.from(await response.arrayBuffer()));
    } catch {
      // The connection broke while the request was read: nobody is left to answer.
      res.destroy();
    }
  });
  // A request still arriving after this is cut off, as on the app's port (lib/method-guard.ts).
  server.requestTimeout = bodyTimeoutMs();
  await new Promise<void>((resolve, reject) => server.once("error", reject).listen(port, "127.0.0.1", resolve));
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
