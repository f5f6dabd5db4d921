/**
 * The OpenAPI document (/openapi.json) held against the app itself, through the production server:
 *   (a) every route the app serves is documented, at its path, with exactly the methods it serves;
 *   (b) real answers of every endpoint, for each status a client can provoke, match the schema the
 *       document gives for that path, method, status and content type;
 *   (c) /docs and /redoc load only same-origin assets, and the server answers each of them;
 *   (d) the document is OpenAPI 3.1 as tools expect it: every component a valid JSON Schema 2020-12,
 *       every operation summarized, described and answered, every example valid against its schema;
 *   (e) every answer the document gives (path, method, status, content type) is provoked, each by a
 *       test of its own that needs no other to have run: the 503s on servers of their own, one with
 *       its database file removed, one told to stop (SIGTERM) while an order waits for its saga.
 */
import fs from "node:fs";
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { scenarios } from "../lib/orders/scenarios";
import {
  appRoutes,
  HTTP_METHODS,
  operationsOf,
  readEventStream,
  schemaCompiler,
  seedRoots,
  serviceRoutes,
  shape,
  type JsonSchema,
  type OpenApiDocument,
  type ResponseObject,
  type Route,
  type SseFrame,
} from "./openapi-helpers";
import { serviceProvocations } from "./openapi-services";
import { startServer, type TestServer } from "./server";
import { call as callServer, type CallOptions, type Reply } from "./http";

// A body that has not arrived after two seconds is a 408 (the default is ten).
const SERVER_ENV = { SAGA_DELAY_SCALE: "1", LOG_LEVEL: "ERROR", SAGA_BODY_TIMEOUT_MS: "2000" };

let server: TestServer;
let doc: OpenApiDocument;
let schemas: ReturnType<typeof schemaCompiler>;

beforeAll(async () => {
  // Real delays (SAGA_DELAY_SCALE=1): a saga must still be running when a reset removes it (the 409).
  // Two new worlds a minute: enough to provoke the documented 429 of /world. The budget is counted by
  // address, and behind a trusted proxy the address is X-Forwarded-For's: each test that spends it
  // comes from an address of its own (see `newAddress`).
  server = await startServer({ env: { ...SERVER_ENV, SAGA_WORLDS_PER_MINUTE: "2", SAGA_TRUST_PROXY: "true" } });
  const response = await fetch(`${server.url}/openapi.json`);
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toMatch(/^application\/json\b/);
  doc = (await response.json()) as OpenApiDocument;
  schemas = schemaCompiler(doc);
});

afterAll(async () => {
  await server?.stop();
});

// ---------------------------------------------------------------------------------------------------
// Calling the server, and checking an answer against the document

const call = (method: string, path: string, options?: CallOptions) => callServer(server.url, method, path, options);

const json = (reply: Reply) => JSON.parse(reply.text);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** An address no other test has used, for the budget of new worlds (X-Forwarded-For: the server trusts its proxy). */
let addresses = 0;
const newAddress = () => ({ "x-forwarded-for": `198.51.100.${++addresses}` });

function expectMatches(schema: JsonSchema, value: unknown, label: string): void {
  const problems = schemas.problems(schema, value);
  expect(problems, `${label}: ${problems}\n${JSON.stringify(value).slice(0, 1_500)}`).toBeNull();
}

/** A real answer against a documented response: its content type is documented, its body matches, its headers are there. */
function expectAnswers(response: ResponseObject, reply: Reply, label: string): void {
  const mediaType = (reply.headers.get("content-type") ?? "").split(";")[0].trim();
  const content = response.content?.[mediaType];
  expect(content, `${label}: answered ${mediaType}, documented ${Object.keys(response.content ?? {}).join(", ")}`).toBeDefined();
  expectMatches(content!.schema, mediaType === "application/json" ? json(reply) : reply.text, label);
  // Every documented header is there, unless the document says it may not be (a list's Link, on its last page).
  for (const [name, header] of Object.entries(response.headers ?? {})) {
    if ((header as { required?: boolean }).required !== false)
      expect(reply.headers.get(name), `${label}: the ${name} header`).not.toBeNull();
  }
}

/** Checks a real answer of `METHOD path` against what the document says of that status; returns its JSON. */
function expectDocumented(method: string, docPath: string, reply: Reply): any {
  const label = `${method} ${docPath} ${reply.status}`;
  const operation = doc.paths[docPath]?.[method.toLowerCase()];
  expect(operation, `${method} ${docPath} is documented`).toBeTypeOf("object");
  const response = (operation as { responses: Record<string, ResponseObject> }).responses[String(reply.status)];
  expect(response, `${label} is documented (body: ${reply.text.slice(0, 300)})`).toBeDefined();
  expectAnswers(response, reply, label);
  return reply.headers.get("content-type")?.startsWith("application/json") ? json(reply) : reply.text;
}

const reset = async () => expectDocumented("POST", "/reset", await call("POST", "/reset"));

// ---------------------------------------------------------------------------------------------------
// (a) Every route is documented

// These serve the documentation itself; FastAPI leaves its own /docs, /redoc and /openapi.json out of
// its schema too.
const DOCUMENTATION_ROUTES = ["/openapi.json", "/docs", "/docs/assets/{file}", "/redoc"];

describe("(a) every route the app serves is in the document", () => {
  let routes: Route[];
  let roots: Set<string>;
  let served: Set<string>;

  beforeAll(async () => {
    // The services' catch-all serves the paths of their endpoints table: each is a route of its own here.
    routes = [...(await appRoutes()), ...serviceRoutes()];
    roots = await seedRoots();
    // Every URL a route answers at: its own, and the seed's path that next.config.mjs rewrites to it.
    served = new Set(
      routes.flatMap(({ url }) => {
        const seed = url.startsWith("/api/") ? url.slice(4) : undefined;
        return seed && roots.has(seed.split("/")[1]) ? [shape(url), shape(seed)] : [shape(url)];
      }),
    );
  });

  /** Where the document should have a route: at the seed's path when /api's twin is served there too. */
  const documentedAt = (url: string) => (url.startsWith("/api/") && served.has(shape(url.slice(4))) ? url.slice(4) : url);

  it("finds the routes and the seed's paths (a sanity check of the discovery itself)", () => {
    expect(roots).toEqual(new Set(["orders", "sagas", "inventory", "balances", "health", "reset", "metrics", "world"]));
    const orders = routes.find((route) => route.url === "/api/orders");
    expect(orders?.methods.sort()).toEqual(["GET", "POST"]);
    for (const url of DOCUMENTATION_ROUTES)
      expect(
        routes.map((route) => route.url),
        `${url} is a route`,
      ).toContain(url);
  });

  it("documents each route at its path with exactly the methods it serves", () => {
    const documented = new Map(
      Object.entries(doc.paths).map(([path, item]) => [
        shape(path),
        operationsOf(item)
          .map(([method]) => method.toUpperCase())
          .sort(),
      ]),
    );
    const api = routes.filter((route) => !route.catchAll && !DOCUMENTATION_ROUTES.includes(route.url));
    expect(api.length).toBeGreaterThanOrEqual(12);
    for (const route of api) {
      const at = shape(documentedAt(route.url));
      expect(documented.get(at), `${route.file} serves ${route.methods.join(", ")} at ${route.url}: documented at ${at}?`).toEqual(
        [...route.methods].sort(),
      );
    }
  });

  it("documents nothing the app does not serve, and each path but the services' is served under /api too, as info.description says", () => {
    expect(doc.info.description).toContain("also served under `/api`");
    expect(doc.info.description).toContain("served under `/services` only");
    for (const path of Object.keys(doc.paths)) {
      expect(served, `${path} is served`).toContain(shape(path));
      if (!path.startsWith("/api/") && !path.startsWith("/services/"))
        expect(served, `/api${path} is served`).toContain(shape(`/api${path}`));
    }
  });

  it("has two catch-alls, the JSON 404 for paths nothing serves and the services' (their table, above), each a JSON 404 off its paths", async () => {
    const catchAlls = routes.filter((route) => route.catchAll);
    expect(catchAlls.map((route) => route.url)).toEqual(["/api/{path}", "/services/{path}"]);
    for (const path of [
      "/api/nope",
      "/orders/x/y/z",
      "/api",
      "/services/nope/stock",
      "/services/inventory/stock/x",
      "/services/inventory",
    ]) {
      const reply = await call("GET", path);
      expect(reply.status, path).toBe(404);
      expectMatches({ $ref: "#/components/schemas/HTTPError" }, json(reply), `GET ${path}`);
    }
  });
});

// ---------------------------------------------------------------------------------------------------
// (d) The document itself

describe("(d) the document is OpenAPI 3.1", () => {
  it("declares OpenAPI 3.1 and the app", () => {
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    expect(doc.info.title).toBe("Saga Studio");
    expect(doc.info.version).toMatch(/^\d+\.\d+\.\d+/);
  });

  it("has components that are each a valid JSON Schema 2020-12 (ajv, strict)", () => {
    const strict = schemaCompiler(doc, { strict: true });
    for (const [name, schema] of Object.entries(doc.components.schemas)) {
      expect(() => strict.compile(schema), name).not.toThrow();
    }
  });

  it("gives every operation a summary, a description, a unique id and responses, each with a schema", () => {
    const ids = new Set<string>();
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, operation] of operationsOf(item)) {
        const label = `${method.toUpperCase()} ${path}`;
        expect(operation.summary, `${label} summary`).toBeTruthy();
        expect(operation.description, `${label} description`).toBeTruthy();
        expect(ids.has(operation.operationId!), `${label} operationId is unique`).toBe(false);
        ids.add(operation.operationId!);
        for (const parameter of (operation.parameters ?? []).filter((p) => p.in === "path")) {
          expect(path, `${label} has the path parameter ${parameter.name}`).toContain(`{${parameter.name}}`);
        }
        expect(Object.keys(operation.responses).length, `${label} responses`).toBeGreaterThan(0);
        for (const [status, response] of Object.entries(operation.responses)) {
          expect(response.description, `${label} ${status} description`).toBeTruthy();
          if (status === "204") continue;
          expect(Object.keys(response.content ?? {}).length, `${label} ${status} content`).toBeGreaterThan(0);
          for (const [type, media] of Object.entries(response.content!))
            expect(media.schema, `${label} ${status} ${type} schema`).toBeTypeOf("object");
        }
      }
    }
  });

  it("has examples that match their schemas: every body, answer and parameter", () => {
    let checked = 0;
    const checkMedia = (media: { schema: JsonSchema; example?: unknown; examples?: Record<string, { value: unknown }> }, label: string) => {
      const values = [
        ...(media.example === undefined ? [] : [["example", media.example]]),
        ...Object.entries(media.examples ?? {}).map(([k, v]) => [k, v.value]),
      ];
      expect(values.length, `${label} has an example`).toBeGreaterThan(0);
      for (const [name, value] of values) {
        expectMatches(media.schema, value, `${label} example ${name}`);
        checked++;
      }
    };
    const responses: [string, ResponseObject][] = Object.entries(doc.components.responses).map(([name, r]) => [
      `components.responses.${name}`,
      r,
    ]);
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, operation] of operationsOf(item)) {
        const label = `${method.toUpperCase()} ${path}`;
        for (const [type, media] of Object.entries(operation.requestBody?.content ?? {})) checkMedia(media, `${label} body ${type}`);
        for (const parameter of operation.parameters ?? []) {
          if (parameter.example !== undefined) expectMatches(parameter.schema, parameter.example, `${label} parameter ${parameter.name}`);
        }
        for (const [status, response] of Object.entries(operation.responses)) responses.push([`${label} ${status}`, response]);
      }
    }
    for (const [label, response] of responses)
      for (const [type, media] of Object.entries(response.content ?? {})) checkMedia(media, `${label} ${type}`);
    expect(checked).toBeGreaterThan(30);
  });

  it("documents POST /orders's optional parts: async start, idempotency key, failure injection, speed, step by step", () => {
    const post = doc.paths["/orders"].post as { parameters: { name: string }[]; responses: Record<string, unknown> };
    expect(post.parameters.map((p) => p.name)).toEqual(expect.arrayContaining(["Idempotency-Key", "Prefer"]));
    expect(Object.keys(post.responses).sort()).toEqual(["201", "202", "403", "408", "409", "413", "422", "503"]);
    const simulation = doc.components.schemas.SimulationOptions as { properties: Record<string, unknown> };
    expect(Object.keys(simulation.properties).sort()).toEqual(["faults", "speed", "step_by_step", "step_timeout_seconds"]);
    expect(Object.keys((doc.components.schemas.Fault as { properties: object }).properties).sort()).toEqual([
      "compensation_failures",
      "duplicates",
      "fail",
      "lost_answers",
      "slow_answers",
      "timeouts",
      "transient",
      "unavailable",
    ]);
  });
});

// ---------------------------------------------------------------------------------------------------
// (c) Swagger UI and ReDoc

describe("(c) /docs and /redoc load only same-origin assets that the server answers", () => {
  const expectedType: Record<string, RegExp> = {
    script: /^text\/javascript\b/,
    stylesheet: /^text\/css\b/,
    icon: /^image\//,
    spec: /^application\/json\b/,
  };

  /** Each URL the page loads, with what it is: from src=, <link href=>, ReDoc's spec-url, Swagger UI's url. */
  async function assetsOf(html: string): Promise<[string, string][]> {
    const found: [string, string][] = [];
    for (const [, url] of html.matchAll(/<script[^>]*\ssrc="([^"]+)"/g)) found.push([url, "script"]);
    for (const [, rel, url] of html.matchAll(/<link[^>]*\srel="([^"]+)"[^>]*\shref="([^"]+)"/g))
      found.push([url, rel.includes("icon") ? "icon" : rel]);
    for (const [, url] of html.matchAll(/\sspec-url="([^"]+)"/g)) found.push([url, "spec"]);
    return found;
  }

  for (const [page, title] of [
    ["/docs", "Saga Studio - Swagger UI"],
    ["/redoc", "Saga Studio - ReDoc"],
  ]) {
    it(`${page} is FastAPI's page, titled "${title}", and each thing it loads answers 200 from this server`, async () => {
      const reply = await call("GET", page);
      expect(reply.status).toBe(200);
      expect(reply.headers.get("content-type")).toMatch(/^text\/html\b/);
      expect(reply.text).toContain(`<title>${title}</title>`);
      expect(reply.text).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/); // no inline script
      const assets = await assetsOf(reply.text);
      expect(assets.filter(([, kind]) => kind === "script").length).toBeGreaterThan(0);
      for (const [url, kind] of assets) {
        const resolved = new URL(url, server.url);
        expect(resolved.origin, `${url} is same-origin`).toBe(server.url);
        const asset = await fetch(resolved);
        expect(asset.status, url).toBe(200);
        expect(asset.headers.get("content-type"), url).toMatch(expectedType[kind] ?? /^$/);
        const text = await asset.text();
        // A script that names the document (Swagger UI's start-up) must name this one, on this server.
        if (kind === "script" && text.length < 5_000) expect(text).toContain('"/openapi.json"');
        // ReDoc's footer logo would come from Redocly's CDN: the served bundle has it inline instead.
        expect(text, url).not.toContain("cdn.redoc.ly");
      }
    });
  }

  it("serves only the allow-listed files from /docs/assets, answering anything else with a JSON 404", async () => {
    for (const path of [
      "/docs/assets/package.json",
      "/docs/assets/..%2F..%2Fpackage.json",
      "/docs/assets/swagger-ui-bundle.js.map",
      "/docs/assets/index.html",
      "/docs/assets/%ZZ",
    ]) {
      const reply = await call("GET", path);
      expect(reply.status, path).toBe(404);
      expect(json(reply), path).toEqual({ detail: "Not Found" });
    }
  });
});

// ---------------------------------------------------------------------------------------------------
// (b) Real answers match the document

describe("(b) real answers of every endpoint match the documented schemas", () => {
  const orderExamples = () => {
    const post = doc.paths["/orders"].post as {
      requestBody: { content: Record<string, { examples: Record<string, { value: any }> }> };
      responses: Record<string, ResponseObject>;
    };
    const results = post.responses["201"].content!["application/json"].examples as Record<string, { value: any }>;
    return { requests: post.requestBody.content["application/json"].examples, results };
  };
  const post = (body: unknown, headers: Record<string, string> = {}) => call("POST", "/orders", { json: body, headers });
  const sagaStep = ({ name, status, error_message, compensation }: Record<string, unknown>) => ({
    name,
    status,
    error_message,
    compensation,
  });
  const outcome = (result: { status: string; steps: { name: string; status: string; error_message: string | null }[] }) => ({
    status: result.status,
    steps: result.steps.map(({ name, status, error_message }) => ({ name, status, error_message })),
  });

  it("POST /orders answers 201 to each documented body, as its documented answer says (the seed's four among them)", async () => {
    const { requests, results } = orderExamples();
    const seed = scenarios.slice(0, 4).map((scenario) => scenario.id);
    expect(Object.keys(requests)).toEqual(expect.arrayContaining(seed));
    expect(Object.keys(results).sort()).toEqual(Object.keys(requests).sort());
    // The sagas GET /sagas/{saga_id} documents, and the scenario that ends each way.
    const sagaExamples = (doc.paths["/sagas/{saga_id}"].get as { responses: Record<string, ResponseObject> }).responses["200"].content![
      "application/json"
    ].examples as Record<string, { value: any }>;
    const sagaOf: Record<string, string> = { "happy-path": "completed", "insufficient-funds": "failed", "stuck-refund": "stuck" };
    for (const [name, { value }] of Object.entries(requests)) {
      await reset();
      const result = expectDocumented("POST", "/orders", await post(value));
      expect(outcome(result), name).toEqual(outcome(results[name].value));
      if (!sagaOf[name]) continue;
      const saga = expectDocumented("GET", "/sagas/{saga_id}", await call("GET", `/sagas/${result.saga_id}`));
      const { value: example } = sagaExamples[sagaOf[name]];
      expect({ error: saga.error, steps: saga.steps.map(sagaStep) }, name).toEqual({
        error: example.error,
        steps: example.steps.map(sagaStep),
      });
    }
  }, 60_000);

  it("POST /orders with Prefer: respond-async answers 202; the order and its saga follow", async () => {
    await reset();
    const reply = await post(scenarios[0].order, { prefer: "respond-async" });
    const accepted = expectDocumented("POST", "/orders", reply);
    expect(reply.status).toBe(202);
    expect(reply.headers.get("location")).toBe(`/api/sagas/${accepted.saga_id}`);
    let saga = expectDocumented("GET", "/sagas/{saga_id}", await call("GET", `/sagas/${accepted.saga_id}`));
    for (let i = 0; i < 100 && saga.status !== "completed"; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      saga = expectDocumented("GET", "/sagas/{saga_id}", await call("GET", accepted.links.saga));
    }
    expect(saga.status).toBe("completed");
    expectDocumented("GET", "/orders/{order_id}", await call("GET", `/orders/${accepted.order_id}`));
    // The documented event log is a completed saga's: the same transitions, in the same order.
    const log = expectDocumented("GET", "/sagas/{saga_id}/events", await call("GET", accepted.links.events));
    const documented = (doc.paths["/sagas/{saga_id}/events"].get as { responses: Record<string, ResponseObject> }).responses["200"]
      .content!["application/json"].example as { events: Record<string, unknown>[] };
    const transitions = (events: Record<string, unknown>[]) =>
      events.map(({ step, phase, outcome }) => `${phase}:${step ?? ""}:${outcome}`);
    expect(transitions(log.events)).toEqual(transitions(documented.events));
  });

  it("POST /orders with an Idempotency-Key replays the same order, and refuses the key with another body (422)", async () => {
    const key = { "idempotency-key": `openapi-${Date.now()}` };
    const first = expectDocumented("POST", "/orders", await post(scenarios[0].order, key));
    const again = await post(scenarios[0].order, key);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(expectDocumented("POST", "/orders", again).order_id).toBe(first.order_id);
    const conflict = await post({ ...scenarios[0].order, quantity: 3 }, key);
    expect(conflict.status).toBe(422);
    expectDocumented("POST", "/orders", conflict);
    expectDocumented("POST", "/orders", await post(scenarios[0].order, { "idempotency-key": "has spaces" }));
  });

  it("POST /orders answers 422 in FastAPI's shape to bodies that do not validate, and 413 to one too large", async () => {
    const bodies = [
      { json: { ...scenarios[0].order, quantity: 0 } },
      { json: { product_id: "product_1", quantity: 1, amount: 1 } },
      { json: { ...scenarios[0].order, simulation: { faults: { no_such_step: { fail: true } } } } },
      { json: { ...scenarios[0].order, simulation: { speed: 100 } } },
      { raw: "{not json" },
      { raw: "" },
    ];
    for (const body of bodies) {
      const reply = await call("POST", "/orders", body);
      expect(reply.status, JSON.stringify(body)).toBe(422);
      expect(Array.isArray(expectDocumented("POST", "/orders", reply).detail)).toBe(true);
    }
    const large = await call("POST", "/orders", { raw: JSON.stringify({ ...scenarios[0].order, padding: "x".repeat(70 * 1024) }) });
    expect(large.status).toBe(413);
    expectDocumented("POST", "/orders", large);
  });

  it("GET /orders, /orders/{order_id} (200 and 404), /inventory, /balances and /health answer as documented", async () => {
    await reset();
    const placed = expectDocumented("POST", "/orders", await post(scenarios[1].order));
    const orders = expectDocumented("GET", "/orders", await call("GET", "/orders"));
    expect(orders.map((order: { id: string }) => order.id)).toContain(placed.order_id);
    expect(expectDocumented("GET", "/orders", await call("GET", "/orders?limit=1"))).toHaveLength(1);
    expectDocumented("GET", "/orders", await call("GET", "/orders?limit=0"));
    expectDocumented("GET", "/orders/{order_id}", await call("GET", `/orders/${placed.order_id}`));
    expectDocumented("GET", "/orders/{order_id}", await call("GET", "/orders/no-such-order"));
    expectDocumented("GET", "/inventory", await call("GET", "/inventory"));
    expect(expectDocumented("GET", "/balances", await call("GET", "/balances")).balances.user_1).toBe(1000);
    expectDocumented("GET", "/health", await call("GET", "/health"));
  });

  it("GET /world and POST /world answer as documented: shared without a cookie, a new private world, then the budget's 429", async () => {
    const from = newAddress();
    expect(expectDocumented("GET", "/world", await call("GET", "/world")).world).toBe("shared");
    const made = await call("POST", "/world", { headers: from });
    expect(expectDocumented("POST", "/world", made).world).toBe("private");
    const cookie = made.headers.getSetCookie()[0].split(";")[0];
    expect(expectDocumented("GET", "/world", await call("GET", "/world", { headers: { cookie } })).world).toBe("private");
    expectDocumented("POST", "/world", await call("POST", "/world", { headers: from }));
    expect(expectDocumented("POST", "/world", await call("POST", "/world", { headers: from })).detail).toMatch(/^Too many new demo worlds/);
    const unknownWorld = await call("GET", "/world", { headers: { ...from, cookie: "saga_world=BBBBBBBBBBBBBBBBBBBBBB" } });
    expect(unknownWorld.status).toBe(429);
    expectDocumented("GET", "/world", unknownWorld);
  });

  it("GET /metrics answers Prometheus text, as documented", async () => {
    const reply = await call("GET", "/metrics");
    expect(reply.status).toBe(200);
    expectDocumented("GET", "/metrics", reply);
    expect(reply.text).toMatch(/^# (HELP|TYPE) /m);
  });

  it("a stuck saga is listed (GET /sagas?status=...), retried (200), then not retried again (409); unknown sagas are 404s", async () => {
    await reset();
    const stuck = expectDocumented("POST", "/orders", await post(orderExamples().requests["stuck-refund"].value));
    expect(stuck.status).toBe("compensation_failed");
    const listed = expectDocumented("GET", "/sagas", await call("GET", "/sagas?status=compensation_failed"));
    expect(listed.map((saga: { id: string }) => saga.id)).toEqual([stuck.saga_id]);
    expectDocumented("GET", "/sagas", await call("GET", "/sagas"));
    expectDocumented("GET", "/sagas", await call("GET", "/sagas?status=stuckish"));
    expectDocumented("GET", "/sagas/{saga_id}", await call("GET", `/sagas/${stuck.saga_id}`));
    const retried = expectDocumented("POST", "/sagas/{saga_id}/retry", await call("POST", `/sagas/${stuck.saga_id}/retry`));
    expect(retried.status).toBe("failed");
    const again = await call("POST", `/sagas/${stuck.saga_id}/retry`);
    expect(again.status).toBe(409);
    expectDocumented("POST", "/sagas/{saga_id}/retry", again);
    expectDocumented("POST", "/sagas/{saga_id}/retry", await call("POST", "/sagas/no-such-saga/retry"));
    expectDocumented("GET", "/sagas/{saga_id}", await call("GET", "/sagas/no-such-saga"));
  }, 30_000);

  it("GET /sagas/{saga_id}/events answers the log as JSON (200, 404), or streams it; each event is a documented SagaEvent", async () => {
    await reset();
    const placed = expectDocumented("POST", "/orders", await post(scenarios[2].order));
    const log = expectDocumented("GET", "/sagas/{saga_id}/events", await call("GET", `/sagas/${placed.saga_id}/events`));
    expect(log.events.length).toBeGreaterThan(5);
    expectDocumented("GET", "/sagas/{saga_id}/events", await call("GET", "/sagas/no-such-saga/events"));

    const operation = doc.paths["/sagas/{saga_id}/events"].get as { responses: Record<string, ResponseObject> };
    const url = `${server.url}/sagas/${placed.saga_id}/events`;
    const stream = await readEventStream(
      url,
      { accept: "text/event-stream" },
      (frames) => frames.filter((f) => f.event === "saga").length >= log.events.length,
    );
    expect(stream.status).toBe(200);
    expectAnswers(
      operation.responses["200"],
      { status: 200, headers: new Headers({ "content-type": stream.contentType ?? "" }), text: "" },
      "GET /sagas/{saga_id}/events (stream)",
    );
    const events = stream.frames
      .filter((frame) => frame.event === "saga")
      .map((frame) => ({ id: frame.id, data: JSON.parse(frame.data!) }));
    for (const { id, data } of events) {
      expectMatches({ $ref: "#/components/schemas/SagaEvent" }, data, "a streamed event");
      expect(id).toBe(String(data.id));
    }
    expect(events.map(({ data }) => data)).toEqual(log.events);

    // Resuming after the third event (Last-Event-ID) sends exactly the rest.
    const resumed = await readEventStream(url, { accept: "text/event-stream", "last-event-id": String(log.events[2].id) }, (frames) =>
      frames.some((f) => f.id === String(log.events.at(-1).id)),
    );
    expect(resumed.frames.filter((f) => f.event === "saga").map((f) => Number(f.id))).toEqual(
      log.events.slice(3).map((e: { id: number }) => e.id),
    );
  });

  it("GET /api/events streams every saga's events as documented SagaEvents, from after Last-Event-ID", async () => {
    const order = json(await post(scenarios[2].order));
    const log = json(await call("GET", `/sagas/${order.saga_id}/events`)).events;
    const stream = await readEventStream(`${server.url}/api/events`, { "last-event-id": String(log[0].id - 1) }, (frames) =>
      frames.some((f) => f.id === String(log.at(-1).id)),
    );
    const operation = doc.paths["/api/events"].get as { responses: Record<string, ResponseObject> };
    expectAnswers(
      operation.responses["200"],
      { status: 200, headers: new Headers({ "content-type": stream.contentType ?? "" }), text: "" },
      "GET /api/events",
    );
    const sent = stream.frames.filter((frame) => frame.event === "saga");
    expect(sent.length).toBeGreaterThanOrEqual(log.length);
    for (const frame of sent) expectMatches({ $ref: "#/components/schemas/SagaEvent" }, JSON.parse(frame.data!), "an event of /api/events");
  });

  it("every path answers a method it does not serve with the documented 405 and an Allow header listing the documented methods", async () => {
    const notAllowed = doc.components.responses.MethodNotAllowed;
    for (const [path, item] of Object.entries(doc.paths)) {
      const documented = operationsOf(item).map(([method]) => method.toUpperCase());
      const url = path.replace(/\{[^}]+\}/g, "some-id");
      for (const method of HTTP_METHODS.map((m) => m.toUpperCase()).filter((m) => m !== "HEAD" && !documented.includes(m))) {
        const reply = await call(method, url);
        expect(reply.status, `${method} ${path}`).toBe(405);
        expectAnswers(notAllowed, reply, `${method} ${path} 405`);
        expect(reply.headers.get("allow")?.split(/,\s*/).sort(), `${method} ${path} Allow`).toEqual([...documented].sort());
      }
    }
  });

  it("POST /reset answers as documented", async () => {
    expectDocumented("POST", "/reset", await call("POST", "/reset"));
  });
});

// ---------------------------------------------------------------------------------------------------
// (e) Every documented answer, provoked by a test of its own

/** An order played ten times faster than real time (its faults, if any, kept). */
const quick = (order: Record<string, unknown>) => ({ ...order, simulation: { ...(order.simulation as object), speed: 10 } });

const stuckRefund = scenarios.find((scenario) => scenario.id === "stuck-refund")!;

/** A step-by-step saga of its own, in the shared world freshly reset, waiting before its first step (each pause a minute at most). */
async function waitingSaga(): Promise<string> {
  await call("POST", "/reset");
  const reply = await call("POST", "/orders", {
    json: quick({ ...scenarios[0].order, simulation: { step_by_step: true, step_timeout_seconds: 60 } }),
  });
  expect(reply.status, reply.text).toBe(202);
  return json(reply).saga_id;
}

/** A finished order of its own, in the shared world freshly reset. */
async function placed(order: Record<string, unknown> = scenarios[0].order): Promise<{ order_id: string; saga_id: string; status: string }> {
  await call("POST", "/reset");
  const reply = await call("POST", "/orders", { json: quick(order) });
  expect(reply.status, reply.text).toBe(201);
  return json(reply);
}

/** A stream, read until `enough`, as a reply; each saga event in it is a documented SagaEvent. */
async function streamed(path: string, headers: Record<string, string>, enough: (frames: SseFrame[]) => boolean): Promise<Reply> {
  const stream = await readEventStream(`${server.url}${path}`, headers, enough);
  for (const frame of stream.frames.filter((f) => f.event === "saga"))
    expectMatches({ $ref: "#/components/schemas/SagaEvent" }, JSON.parse(frame.data!), `an event of ${path}`);
  const text = stream.frames
    .map((frame) =>
      Object.entries(frame)
        .map(([field, value]) => `${field === "comment" ? "" : field}: ${value}`)
        .join("\n"),
    )
    .join("\n\n");
  return { status: stream.status, headers: new Headers({ "content-type": stream.contentType ?? "" }), text };
}

/** Spends an address's budget of new worlds: the answer of the first POST /world it refuses. */
async function spentBudget(from: Record<string, string>): Promise<Reply> {
  for (let attempt = 0; attempt < 10; attempt++) {
    const reply = await call("POST", "/world", { headers: from });
    if (reply.status !== 201) return reply;
  }
  throw new Error("ten new worlds from one address, and none refused");
}

/** A browser's write from another site's page: refused. */
const crossSite = { "sec-fetch-site": "cross-site", origin: "https://elsewhere.example" };

/** A request written on a socket of its own, as `head` then `body`, and the answer read until the server closes it. */
function overSocket(head: string, body: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(new URL(server.url).port), "127.0.0.1");
    let raw = "";
    socket.setEncoding("latin1");
    socket.on("data", (chunk) => (raw += chunk));
    socket.on("error", reject);
    socket.on("close", () => {
      const [answerHead, ...rest] = raw.split("\r\n\r\n");
      const [statusLine, ...fields] = answerHead.split("\r\n");
      const headers = new Headers(
        fields.map((field) => [field.slice(0, field.indexOf(":")), field.slice(field.indexOf(":") + 1).trim()] as [string, string]),
      );
      let text = rest.join("\r\n\r\n");
      if (headers.get("transfer-encoding") === "chunked") {
        // Each chunk: its size in hex, CRLF, its bytes, CRLF; the last one is of size 0.
        let decoded = "";
        for (let at = 0; ;) {
          const lineEnd = text.indexOf("\r\n", at);
          const size = parseInt(text.slice(at, lineEnd), 16);
          if (!(size > 0)) break;
          decoded += text.slice(lineEnd + 2, lineEnd + 2 + size);
          at = lineEnd + 2 + size + 2;
        }
        text = decoded;
      }
      text = Buffer.from(text, "latin1").toString("utf8");
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        body = undefined;
      }
      resolve({ status: Number(statusLine.split(" ")[1]), headers, text, body });
    });
    socket.write(head + body);
  });
}

/** An answer that breaks the server that gives it, on a server of its own (stopped afterwards, whatever happens). */
async function onItsOwnServer(provoke: (own: TestServer) => Promise<Reply>): Promise<Reply> {
  const own = await startServer({ env: SERVER_ENV });
  try {
    return await provoke(own);
  } finally {
    await own.stop("SIGKILL");
  }
}

/** How to provoke each answer the document gives: "METHOD path status content-type". */
const provocations: Record<string, () => Promise<Reply>> = {
  "POST /orders 201 application/json": async () => {
    await call("POST", "/reset");
    return call("POST", "/orders", { json: quick(scenarios[0].order) });
  },
  "POST /orders 202 application/json": () =>
    call("POST", "/orders", { json: quick(scenarios[0].order), headers: { prefer: "respond-async" } }),
  "POST /orders 403 application/json": () => call("POST", "/orders", { json: quick(scenarios[0].order), headers: crossSite }),
  // A body announced at 60,000 bytes, of which a few hundred arrive.
  "POST /orders 408 application/json": () =>
    overSocket(
      "POST /orders HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 60000\r\n\r\n",
      JSON.stringify({ ...scenarios[0].order, padding: "x".repeat(200) }),
    ),
  "POST /orders 409 application/json": async () => {
    await call("POST", "/reset");
    // A tenth of the speed: validating the order alone takes a second, time enough for the reset.
    const waiting = call("POST", "/orders", { json: { ...scenarios[0].order, simulation: { speed: 0.1 } } });
    // Once the order is recorded (its saga then takes seconds), not after a guess of how long that takes.
    while ((await call("GET", "/orders")).body.length === 0) await sleep(50);
    await call("POST", "/reset");
    return waiting;
  },
  "POST /orders 413 application/json": () =>
    call("POST", "/orders", { raw: JSON.stringify({ ...scenarios[0].order, padding: "x".repeat(70 * 1024) }) }),
  "POST /orders 422 application/json": () => call("POST", "/orders", { json: { ...scenarios[0].order, quantity: 0 } }),
  // As tests/server-faults.test.ts provokes it: a SIGTERM while an order waits for its saga (a tenth of
  // the speed: about five seconds). The order is recorded; the answer says where its saga is.
  "POST /orders 503 application/json": () =>
    onItsOwnServer(async (own) => {
      const waiting = callServer(own.url, "POST", "/orders", { json: { ...scenarios[0].order, simulation: { speed: 0.1 } } });
      while ((await callServer(own.url, "GET", "/orders")).body.length === 0) await sleep(50);
      const stopped = own.stop("SIGTERM");
      const reply = await waiting;
      await stopped;
      expect(reply.headers.get("location"), reply.text).toMatch(/^\/api\/sagas\/[0-9a-f-]{36}$/);
      return reply;
    }),
  "GET /orders 200 application/json": () => call("GET", "/orders"),
  "GET /orders 422 application/json": () => call("GET", "/orders?limit=0"),
  "GET /orders/{order_id} 200 application/json": async () => call("GET", `/orders/${(await placed()).order_id}`),
  "GET /orders/{order_id} 404 application/json": () => call("GET", "/orders/no-such-order"),
  "GET /orders/{order_id}/services 200 application/json": async () => call("GET", `/orders/${(await placed()).order_id}/services`),
  "GET /orders/{order_id}/services 404 application/json": () => call("GET", "/orders/no-such-order/services"),
  "GET /sagas 200 application/json": () => call("GET", "/sagas"),
  "GET /sagas 422 application/json": () => call("GET", "/sagas?status=stuckish"),
  "GET /sagas/{saga_id} 200 application/json": async () => call("GET", `/sagas/${(await placed()).saga_id}`),
  "GET /sagas/{saga_id} 404 application/json": () => call("GET", "/sagas/no-such-saga"),
  "GET /sagas/{saga_id}/events 200 application/json": async () => call("GET", `/sagas/${(await placed()).saga_id}/events`),
  "GET /sagas/{saga_id}/events 200 text/event-stream": async () => {
    const events = `/sagas/${(await placed()).saga_id}/events`;
    const logged = json(await call("GET", events)).events.length;
    return streamed(events, { accept: "text/event-stream" }, (frames) => frames.filter((f) => f.event === "saga").length >= logged);
  },
  "GET /sagas/{saga_id}/events 404 application/json": () => call("GET", "/sagas/no-such-saga/events"),
  "POST /sagas/{saga_id}/retry 200 application/json": async () => {
    const stuck = await placed({ ...stuckRefund.order, simulation: { faults: stuckRefund.faults } });
    expect(stuck.status).toBe("compensation_failed");
    return call("POST", `/sagas/${stuck.saga_id}/retry`);
  },
  "POST /sagas/{saga_id}/retry 403 application/json": async () => {
    const stuck = await placed({ ...stuckRefund.order, simulation: { faults: stuckRefund.faults } });
    return call("POST", `/sagas/${stuck.saga_id}/retry`, { headers: crossSite });
  },
  "POST /sagas/{saga_id}/retry 404 application/json": () => call("POST", "/sagas/no-such-saga/retry"),
  "POST /sagas/{saga_id}/retry 409 application/json": async () => call("POST", `/sagas/${(await placed()).saga_id}/retry`),
  "POST /sagas/{saga_id}/continue 200 application/json": async () => call("POST", `/sagas/${await waitingSaga()}/continue`),
  "POST /sagas/{saga_id}/continue 403 application/json": async () =>
    call("POST", `/sagas/${await waitingSaga()}/continue`, { headers: crossSite }),
  "POST /sagas/{saga_id}/continue 404 application/json": () => call("POST", "/sagas/no-such-saga/continue"),
  "POST /sagas/{saga_id}/continue 409 application/json": async () => call("POST", `/sagas/${(await placed()).saga_id}/continue`),
  "GET /inventory 200 application/json": () => call("GET", "/inventory"),
  "GET /balances 200 application/json": () => call("GET", "/balances"),
  "POST /reset 200 application/json": () => call("POST", "/reset"),
  "POST /reset 403 application/json": () => call("POST", "/reset", { headers: crossSite }),
  "GET /world 200 application/json": () => call("GET", "/world"),
  // A cookie naming a world not made yet makes it: refused once the address has spent its budget.
  "GET /world 429 application/json": async () => {
    const from = newAddress();
    await spentBudget(from);
    return call("GET", "/world", { headers: { ...from, cookie: "saga_world=CCCCCCCCCCCCCCCCCCCCCC" } });
  },
  "POST /world 201 application/json": () => call("POST", "/world", { headers: newAddress() }),
  "POST /world 403 application/json": () => call("POST", "/world", { headers: { ...newAddress(), ...crossSite } }),
  "POST /world 429 application/json": () => spentBudget(newAddress()),
  "GET /health 200 application/json": () => call("GET", "/health"),
  "GET /health 503 application/json": () =>
    onItsOwnServer(async (own) => {
      const file = own.databaseUrl.replace(/^file:/, "");
      for (const suffix of ["", "-wal", "-shm"]) fs.rmSync(`${file}${suffix}`, { force: true });
      return callServer(own.url, "GET", "/health");
    }),
  "GET /metrics 200 text/plain": () => call("GET", "/metrics"),
  "GET /api/services 200 application/json": () => call("GET", "/api/services"),
  "GET /api/events 200 text/event-stream": async () => {
    const log = json(await call("GET", `/sagas/${(await placed()).saga_id}/events`)).events as { id: number }[];
    const last = String(log.at(-1)!.id);
    return streamed("/api/events", { "last-event-id": String(log[0].id - 1) }, (frames) => frames.some((f) => f.id === last));
  },
  // The services' (/services/...), each in a world of its own (tests/openapi-services.ts).
  ...serviceProvocations((method, path, options) => call(method, path, options)),
};

describe("(e) every documented answer is provoked, each by a test of its own", () => {
  it("has a way to provoke each answer the document gives, and none it does not give", () => {
    const documented = Object.entries(doc.paths).flatMap(([path, item]) =>
      operationsOf(item).flatMap(([method, operation]) =>
        Object.entries(operation.responses).flatMap(([status, response]) =>
          Object.keys(response.content ?? {}).map((type) => `${method.toUpperCase()} ${path} ${status} ${type}`),
        ),
      ),
    );
    const provoked = Object.keys(provocations);
    expect({
      unprovoked: documented.filter((answer) => !provoked.includes(answer)),
      undocumented: provoked.filter((answer) => !documented.includes(answer)),
    }).toEqual({
      unprovoked: [],
      undocumented: [],
    });
    expect(provoked.length).toBeGreaterThan(25);
  });

  it.each(Object.keys(provocations))("%s", async (answer) => {
    const [method, docPath, status, mediaType] = answer.split(" ");
    const reply = await provocations[answer]();
    expect(reply.status, `${answer}: ${reply.text.slice(0, 300)}`).toBe(Number(status));
    expect((reply.headers.get("content-type") ?? "").split(";")[0].trim(), answer).toBe(mediaType);
    expectDocumented(method, docPath, reply);
  });
});
