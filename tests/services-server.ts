/**
 * The services' HTTP handler (lib/services/http.ts) on a real loopback port, without Next.js: for the
 * tests of the client, the breaker and the boundary's failures, which need a connection to lose, a
 * server to stop and a port to find refused. It counts the requests it received.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import { serveServices } from "../lib/services/http";

export interface ServicesServer {
  url: string;
  port: number;
  /** Requests received, by path ("/services/payment/charges"). */
  received: Map<string, number>;
  close(): Promise<void>;
}

export async function startServicesServer(port = 0): Promise<ServicesServer> {
  const received = new Map<string, number>();
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    received.set(url.pathname, (received.get(url.pathname) ?? 0) + 1);
    const aborted = new AbortController();
    res.on("close", () => aborted.abort());
    const hasBody = req.method !== "GET" && req.method !== "HEAD";
    const request = new Request(url, {
      method: req.method,
      headers: req.headers as Record<string, string>,
      body: hasBody ? (Readable.toWeb(req) as ReadableStream) : undefined,
      signal: aborted.signal,
      // @ts-expect-error Node's fetch needs this for a streamed body
      duplex: "half",
    });
    const path = url.pathname.replace(/^\/services\//, "").split("/");
    const response = await serveServices(request, path);
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(Buffer.from(await response.arrayBuffer()));
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
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
