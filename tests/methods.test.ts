/**
 * Every HTTP method on every path, through the production server: nothing answers a 5xx, the API paths
 * (and the docs' JSON) answer FastAPI's JSON 405 to a method they do not serve, TRACE included (which
 * Next.js cannot turn into a Request at all), and a timeline page is only read (GET, HEAD).
 * fetch() refuses to send TRACE, TRACK and CONNECT, so the requests go through node:http.
 */
import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type TestServer } from "./server";

let server: TestServer;

beforeAll(async () => {
  server = await startServer();
});

afterAll(async () => {
  await server?.stop();
});

interface RawReply {
  status: number;
  contentType: string;
  text: string;
}

/** One request with any method; CONNECT's answer arrives on the "connect" event, with the body on the socket. */
function send(method: string, path: string): Promise<RawReply> {
  const { hostname, port } = new URL(server.url);
  return new Promise((resolve, reject) => {
    const request = http.request({ hostname, port, method, path, headers: { connection: "close" } });
    const read = (response: http.IncomingMessage, stream: NodeJS.ReadableStream, head = Buffer.alloc(0)) => {
      const chunks: Buffer[] = [head];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () =>
        resolve({
          status: response.statusCode ?? 0,
          contentType: String(response.headers["content-type"] ?? ""),
          text: Buffer.concat(chunks).toString("utf8"),
        }),
      );
      stream.on("error", reject);
    };
    request.on("response", (response) => read(response, response));
    request.on("connect", (response, socket, head) => read(response, socket, head));
    request.on("error", reject);
    request.setTimeout(10_000, () => request.destroy(new Error(`${method} ${path}: no answer in 10 s`)));
    request.end();
  });
}

const API_PATHS = [
  "/health",
  "/api/health",
  "/orders",
  "/api/orders",
  "/orders/some-id",
  "/sagas/some-id",
  "/inventory",
  "/balances",
  "/reset",
  "/metrics",
  "/api/no-such-thing",
];
const DOC_PATHS = ["/docs", "/redoc", "/openapi.json"];
const PAGE_PATHS = ["/", "/workflow", "/timeline/some-saga"];
// Methods Next.js has no handler for: forbidden to fetch (TRACE, TRACK, CONNECT), known to Node's
// parser (PROPFIND, PURGE), or unknown to it (FOO).
const UNROUTED = ["TRACE", "TRACK", "CONNECT", "PROPFIND", "PURGE", "FOO"];
const ROUTED = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

function expectMethodNotAllowed(reply: RawReply, what: string) {
  expect(reply.status, `${what}: ${reply.text}`).toBe(405);
  expect(reply.contentType, what).toMatch(/^application\/json\b/);
  expect(JSON.parse(reply.text), what).toEqual({ detail: "Method Not Allowed" });
}

describe("methods Next.js does not route", () => {
  for (const method of UNROUTED) {
    it(`${method} answers FastAPI's JSON 405 on every path`, async () => {
      for (const path of [...API_PATHS, ...DOC_PATHS, ...PAGE_PATHS]) expectMethodNotAllowed(await send(method, path), `${method} ${path}`);
    });
  }

  it("leaves the server serving: a GET after them is answered as usual", async () => {
    await send("TRACE", "/health");
    await send("FOO", "/health");
    const reply = await send("GET", "/health");
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.text)).toEqual({ status: "healthy" });
  });
});

describe("methods Next.js routes", () => {
  for (const method of ROUTED) {
    it(`${method} never answers a 5xx, and answers JSON on the API paths`, async () => {
      for (const path of [...API_PATHS, ...DOC_PATHS, ...PAGE_PATHS]) {
        const reply = await send(method, path);
        expect(reply.status, `${method} ${path}: ${reply.text.slice(0, 200)}`).toBeLessThan(500);
        // /metrics is Prometheus's text format, on purpose
        const json = API_PATHS.includes(path) && method !== "HEAD" && !(method === "GET" && path === "/metrics");
        if (json) expect(reply.contentType, `${method} ${path}`).toMatch(/^application\/json\b/);
      }
    });
  }

  it("a timeline page is only read: GET and HEAD serve it, every other method is a 405", async () => {
    expect((await send("GET", "/timeline/some-saga")).status).toBe(200);
    expect((await send("HEAD", "/timeline/some-saga")).status).toBe(200);
    for (const method of ["POST", "PUT", "PATCH", "DELETE", "OPTIONS"])
      expectMethodNotAllowed(await send(method, "/timeline/some-saga"), method);
  });

  it("the docs and the OpenAPI document refuse what they do not serve with a JSON 405", async () => {
    for (const path of DOC_PATHS)
      for (const method of ["POST", "PUT", "PATCH", "DELETE", "OPTIONS"])
        expectMethodNotAllowed(await send(method, path), `${method} ${path}`);
  });
});
