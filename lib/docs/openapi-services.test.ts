// The services' part of the OpenAPI document (lib/docs/openapi-services.ts) held against the services
// themselves, in process, through their route handler (app/services/[...path]/route.ts): every endpoint
// of lib/services/http.ts is documented with exactly its methods, every documented answer is provoked
// and matches its schema and headers, and the documented examples of a replay, of nothing_to_undo and of
// the late action refused are what a service answers. tests/openapi.test.ts does the same through the
// production server, with the rest of the document.
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import * as route from "../../app/services/[...path]/route";
import { servicePaths as servedPaths } from "../services/http";
import { newWorldId } from "../world-id";
import type { CallOptions, Reply } from "../../tests/http";
import {
  operationsOf,
  schemaCompiler,
  type JsonSchema,
  type OpenApiDocument,
  type Operation,
  type ResponseObject,
} from "../../tests/openapi-helpers";
import { serviceProvocations } from "../../tests/openapi-services";
import { openApiJson } from "./openapi";

const doc = JSON.parse(openApiJson()) as OpenApiDocument & { tags: { name: string }[] };
const schemas = schemaCompiler(doc);
const servicePaths = Object.entries(doc.paths).filter(([path]) => path.startsWith("/services/"));

/** A request to the services' route handler, as Next.js hands it one: the path's segments after /services. */
async function call(method: string, path: string, options: CallOptions = {}): Promise<Reply> {
  const headers: Record<string, string> = { ...options.headers };
  const body = options.json !== undefined ? JSON.stringify(options.json) : options.raw;
  if (body !== undefined) headers["content-type"] ??= "application/json";
  const request = new Request(`http://localhost${path}`, { method, headers, body: body as BodyInit | undefined });
  const handler = route[method as "GET" | "POST" | "PUT" | "PATCH" | "DELETE" | "OPTIONS"];
  const response = await handler(request, { params: Promise.resolve({ path: path.replace(/^\/services\//, "").split("/") }) });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: response.status, headers: response.headers, text, body: parsed };
}

function expectMatches(schema: JsonSchema, value: unknown, label: string): void {
  const problems = schemas.problems(schema, value);
  expect(problems, `${label}: ${problems}\n${JSON.stringify(value).slice(0, 1_500)}`).toBeNull();
}

const operation = (method: string, path: string) => doc.paths[path]?.[method.toLowerCase()] as Operation;

/** A real answer against the document: its status documented, its body matching, its documented headers there. */
function expectDocumented(method: string, path: string, reply: Reply): void {
  const label = `${method} ${path} ${reply.status}`;
  const response = operation(method, path)?.responses[String(reply.status)];
  expect(response, `${label} is documented (body: ${reply.text.slice(0, 300)})`).toBeDefined();
  const mediaType = (reply.headers.get("content-type") ?? "").split(";")[0].trim();
  const content = response.content?.[mediaType];
  expect(content, `${label}: answered ${mediaType}`).toBeDefined();
  expectMatches(content!.schema, reply.body, label);
  for (const [name, header] of Object.entries(response.headers ?? {})) {
    if ((header as { required?: boolean }).required !== false)
      expect(reply.headers.get(name), `${label}: the ${name} header`).not.toBeNull();
  }
}

/** The named examples of an answer, by name. */
function examplesOf(method: string, path: string, status: number): Record<string, unknown> {
  const media = operation(method, path).responses[String(status)].content!["application/json"];
  return Object.fromEntries(Object.entries(media.examples ?? {}).map(([name, example]) => [name, example.value]));
}

const requestExample = (path: string) => operation("POST", path).requestBody!.content["application/json"].example;

describe("the services' paths in the OpenAPI document", () => {
  it("documents every endpoint of the services, at /services/<service>/<resource>, with exactly its methods, under its service's tag", () => {
    const served = servedPaths().map(({ methods, ...rest }) => ({ ...rest, methods: methods.sort() }));
    expect(servicePaths.map(([path]) => path).sort()).toEqual(served.map(({ path }) => path).sort());
    for (const { path, methods, service } of served) {
      const documented = operationsOf(doc.paths[path]);
      expect(documented.map(([method]) => method.toUpperCase()).sort(), path).toEqual(methods);
      for (const [, op] of documented) expect((op as Operation & { tags?: string[] }).tags, path).toEqual([`${service} service`]);
    }
    expect(doc.tags.map((tag) => tag.name)).toEqual(expect.arrayContaining(["inventory service", "payment service", "shipping service"]));
  });

  it("requires an Idempotency-Key on every write but the resets and forgets, and takes Saga-World on every call but a forget", () => {
    for (const [path, item] of servicePaths) {
      for (const [method, op] of operationsOf(item)) {
        const parameters = (op.parameters ?? []) as { name: string; required?: boolean }[];
        // A forget names its worlds in its body: the removed ones, not the caller's.
        if (path.endsWith("/forget")) expect(parameters.find((p) => p.name === "Saga-World")).toBeUndefined();
        else
          expect(
            parameters.find((p) => p.name === "Saga-World"),
            `${method} ${path}`,
          ).toMatchObject({ required: false });
        const key = parameters.find((p) => p.name === "Idempotency-Key");
        if (method === "get" || path.endsWith("/reset") || path.endsWith("/forget")) expect(key, `${method} ${path}`).toBeUndefined();
        else expect(key, `${method} ${path}`).toMatchObject({ required: true });
      }
    }
  });

  it("has operations that are summarized, described, uniquely named, with examples that match their schemas", () => {
    const strict = schemaCompiler(doc, { strict: true });
    for (const [name, schema] of Object.entries(doc.components.schemas)) expect(() => strict.compile(schema), name).not.toThrow();
    const ids = Object.values(doc.paths).flatMap((item) => operationsOf(item).map(([, op]) => op.operationId));
    expect(new Set(ids).size).toBe(ids.length);
    for (const [path, item] of servicePaths) {
      for (const [method, op] of operationsOf(item)) {
        const label = `${method.toUpperCase()} ${path}`;
        expect(op.summary && op.description && op.operationId, label).toBeTruthy();
        for (const parameter of op.parameters ?? []) {
          expectMatches(parameter.schema, parameter.example, `${label} parameter ${parameter.name}`);
        }
        const media = [
          ...Object.values(op.requestBody?.content ?? {}),
          ...Object.values(op.responses as Record<string, ResponseObject>).flatMap((response) => Object.values(response.content ?? {})),
        ];
        for (const { schema, example, examples } of media) {
          const values = [...(example === undefined ? [] : [example]), ...Object.values(examples ?? {}).map((named) => named.value)];
          expect(values.length, `${label} has an example`).toBeGreaterThan(0);
          for (const value of values) expectMatches(schema, value, `${label} example`);
        }
      }
    }
  });
});

describe("every documented answer of the services is provoked, and matches the document", () => {
  const provocations = serviceProvocations(call);

  it("has a way to provoke each answer the document gives under /services, and none it does not give", () => {
    const documented = servicePaths.flatMap(([path, item]) =>
      operationsOf(item).flatMap(([method, op]) =>
        Object.entries(op.responses).flatMap(([status, response]) =>
          Object.keys(response.content ?? {}).map((type) => `${method.toUpperCase()} ${path} ${status} ${type}`),
        ),
      ),
    );
    const provoked = Object.keys(provocations);
    expect({
      unprovoked: documented.filter((answer) => !provoked.includes(answer)),
      undocumented: provoked.filter((answer) => !documented.includes(answer)),
    }).toEqual({ unprovoked: [], undocumented: [] });
  });

  it.each(Object.keys(provocations))("%s", async (answer) => {
    const [method, path, status, mediaType] = answer.split(" ");
    const reply = await provocations[answer]();
    expect(reply.status, `${answer}: ${reply.text.slice(0, 300)}`).toBe(Number(status));
    expect((reply.headers.get("content-type") ?? "").split(";")[0].trim(), answer).toBe(mediaType);
    expectDocumented(method, path, reply);
  });

  it("answers every method a path does not serve with the documented 405 and its Allow header", async () => {
    for (const [path, item] of servicePaths) {
      const documented = operationsOf(item).map(([method]) => method.toUpperCase());
      for (const method of ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"].filter((m) => !documented.includes(m))) {
        const reply = await call(method, path);
        expect(reply.status, `${method} ${path}`).toBe(405);
        expectMatches({ $ref: "#/components/schemas/HTTPError" }, reply.body, `${method} ${path}`);
        expect(reply.headers.get("allow")?.split(/,\s*/).sort(), `${method} ${path}`).toEqual(documented.sort());
      }
    }
  });
});

describe("the documented examples are what the services answer", () => {
  const services = [
    { action: "/services/inventory/reservations", compensation: "/services/inventory/releases", first: "reserved", undone: "released" },
    { action: "/services/payment/charges", compensation: "/services/payment/refunds", first: "charged", undone: "refunded" },
    { action: "/services/shipping/shipments", compensation: "/services/shipping/cancellations", first: "created", undone: "cancelled" },
  ];

  const post = (world: string, path: string, key: string, json: unknown) =>
    call("POST", path, { json, headers: { "saga-world": world, "idempotency-key": key } });

  it.each(services)(
    "$action: the action, its replay, the key reused, its compensation",
    async ({ action, compensation, first, undone }) => {
      const world = newWorldId();
      const body = requestExample(action);
      const done = await post(world, action, "k-1", body);
      expect(done).toMatchObject({ status: 201, body: examplesOf("POST", action, 201)[first] });
      expect(done.headers.get("idempotent-replayed")).toBe("false");
      const again = await post(world, action, "k-1", body);
      expect(again).toMatchObject({ status: 201, body: examplesOf("POST", action, 201).replayed });
      expect(again.headers.get("idempotent-replayed")).toBe("true");
      const reused = await post(world, action, "k-1", { ...(body as object), order_id: "another-order" });
      expect(reused).toMatchObject({ status: 422, body: examplesOf("POST", action, 422).keyReused });
      expect(reused.headers.get("idempotent-replayed")).toBe("false");
      const undo = await post(world, compensation, "k-2", requestExample(compensation));
      expect(undo).toMatchObject({ status: 200, body: examplesOf("POST", compensation, 200)[undone] });
      const undoAgain = await post(world, compensation, "k-2", requestExample(compensation));
      expect(undoAgain).toMatchObject({ status: 200, body: examplesOf("POST", compensation, 200).replayed });
      expect(undoAgain.headers.get("idempotent-replayed")).toBe("true");
    },
  );

  it.each(services)(
    "$compensation before its action: nothing_to_undo, then the late action is refused",
    async ({ action, compensation }) => {
      const world = newWorldId();
      const undo = await post(world, compensation, randomUUID(), requestExample(compensation));
      expect(undo).toMatchObject({ status: 200, body: examplesOf("POST", compensation, 200).nothingToUndo });
      const late = await post(world, action, randomUUID(), requestExample(action));
      expect(late).toMatchObject({ status: 409, body: examplesOf("POST", action, 409).late });
    },
  );

  it("the reads and a reset answer the documented seed, and a refusal is recorded with its key", async () => {
    const world = newWorldId();
    const read = (path: string) => call("GET", path, { headers: { "saga-world": world } });
    const documented = (path: string) => operation("GET", path).responses["200"].content!["application/json"].example;
    expect((await read("/services/inventory/stock")).body).toEqual(documented("/services/inventory/stock"));
    expect((await read("/services/payment/accounts")).body).toEqual(documented("/services/payment/accounts"));
    const poor = { order_id: "big", account_id: "user_3", amount_cents: 20_001 };
    const refused = await post(world, "/services/payment/charges", "poor", poor);
    expect(refused).toMatchObject({ status: 402, body: examplesOf("POST", "/services/payment/charges", 402).funds });
    const again = await post(world, "/services/payment/charges", "poor", poor);
    expect(again).toMatchObject({ status: 402, body: refused.body });
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect((await post(world, "/services/payment/charges", randomUUID(), { ...poor, account_id: "user_9" })).body).toEqual(
      examplesOf("POST", "/services/payment/charges", 404).account,
    );
    const tooMany = { order_id: "o", product_id: "product_1", quantity: 101 };
    expect((await post(world, "/services/inventory/reservations", randomUUID(), tooMany)).body).toEqual(
      examplesOf("POST", "/services/inventory/reservations", 409).insufficient,
    );
    expect((await post(world, "/services/shipping/shipments", randomUUID(), { order_id: "o", user_id: "user_3" })).body).toEqual(
      examplesOf("POST", "/services/shipping/shipments", 409).address,
    );
    const reset = await call("POST", "/services/inventory/reset", { headers: { "saga-world": world } });
    expect(reset.body).toEqual(operation("POST", "/services/inventory/reset").responses["200"].content!["application/json"].example);
  });
});
