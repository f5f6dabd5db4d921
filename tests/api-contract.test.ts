/**
 * The REST contract of docs/API.md, checked through real HTTP against the production server:
 * shapes at the seed's paths and under /api, money printed as Python floats, FastAPI's error shapes
 * (404, 405, 413, 422), lax numeric strings, and no 5xx or non-JSON answer for anything a client sends.
 * Every answer these tests get is also held against what docs/API.md says of it (see `expectInApiDoc`):
 * the endpoint is in its table with that status, a 405's Allow names the methods the table lists, and
 * each error's detail and each validation error's type is written there.
 */
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startServer, type TestServer } from "./server";
import { call as callServer, type CallOptions, type Reply } from "./http";

let server: TestServer;

beforeAll(async () => {
  server = await startServer();
});

afterAll(async () => {
  await server?.stop();
});

// ---------------------------------------------------------------------------------------------------
// docs/API.md, as a client reads it

const apiDoc = fs.readFileSync(path.resolve(import.meta.dirname, "../docs/API.md"), "utf8");

interface DocumentedEndpoint {
  method: string;
  path: string;
  pattern: RegExp;
  /** The statuses its row lists, success and other answers. */
  statuses: number[];
}

/** The rows of "Endpoints at a glance": | Method | `path` | Success | Other answers |. */
const documentedEndpoints: DocumentedEndpoint[] = (() => {
  const table = apiDoc.slice(apiDoc.indexOf("## 2. Endpoints at a glance"), apiDoc.indexOf("## 3. "));
  return [...table.matchAll(/^\| *([A-Z]+) *\| *`([^`]+)` *\|(.*)\|(.*)\| *$/gm)].map(([, method, docPath, success, other]) => ({
    method,
    path: docPath,
    pattern: new RegExp(`^${docPath.replace(/\{[^}]+\}/g, "[^/]+")}$`),
    statuses: [...`${success}${other}`.matchAll(/`(\d{3})`/g)].map(([, status]) => Number(status)),
  }));
})();

/** Whether every segment of a path is valid percent-encoding: docs/API.md answers /orders/%ZZ with the 404 of a path nothing serves. */
const decodable = (pathname: string) =>
  pathname.split("/").every((segment) => {
    try {
      decodeURIComponent(segment);
      return true;
    } catch {
      return false;
    }
  });

/**
 * What docs/API.md says of an answer, checked: the same endpoint at the seed's path and under /api
 * (but /api/events, only there); a method its table lists for the path answers one of the statuses of
 * its row; a method it does not list, 405 with an Allow header of exactly the listed ones; a path it
 * does not list (or cannot be decoded), 404 {"detail": "Not Found"}. An error's detail text is one the
 * page writes, in quotes; a validation error's type, one it names.
 */
function expectInApiDoc(method: string, url: string, reply: Reply): void {
  const { pathname } = new URL(url, "http://localhost");
  const at = `${method} ${url.length > 80 ? `${url.slice(0, 60)}...` : url} -> ${reply.status}`;
  const docPath = pathname === "/api/events" ? pathname : pathname.replace(/^\/api(?=\/)/, "");
  const rows = decodable(pathname) ? documentedEndpoints.filter((endpoint) => endpoint.pattern.test(docPath)) : [];
  const row = rows.find((endpoint) => endpoint.method === method);
  if (rows.length === 0) {
    expect({ status: reply.status, body: reply.body }, `${at}: docs/API.md serves nothing at ${docPath}`).toEqual({
      status: 404,
      body: { detail: "Not Found" },
    });
  } else if (!row) {
    expect(reply.status, `${at}: docs/API.md lists only ${rows.map((r) => r.method).join(", ")} for ${rows[0].path}`).toBe(405);
    const allow = (reply.headers.get("allow") ?? "").split(",").map((m) => m.trim());
    expect(allow.sort(), `${at}: Allow`).toEqual(rows.map((r) => r.method).sort());
  } else {
    expect(row.statuses, `${at}: the statuses docs/API.md lists for ${row.method} ${row.path}`).toContain(reply.status);
  }
  const detail = reply.body?.detail;
  if (typeof detail === "string") expect(apiDoc, `${at}: docs/API.md writes the detail "${detail}"`).toContain(`"${detail}"`);
  if (Array.isArray(detail)) {
    for (const { type } of detail) expect(apiDoc, `${at}: docs/API.md names the validation error type ${type}`).toContain(`\`${type}\``);
  }
}

describe("docs/API.md", () => {
  it("has the table of endpoints these tests hold the answers against", () => {
    const listed = documentedEndpoints.map((endpoint) => `${endpoint.method} ${endpoint.path}`);
    expect(listed).toEqual(
      expect.arrayContaining([
        "POST /orders",
        "GET /orders",
        "GET /orders/{order_id}",
        "GET /sagas/{saga_id}",
        "GET /inventory",
        "GET /balances",
        "POST /reset",
        "GET /health",
      ]),
    );
    for (const endpoint of documentedEndpoints) expect(endpoint.statuses.length, `${endpoint.method} ${endpoint.path}`).toBeGreaterThan(0);
  });
});

// ---------------------------------------------------------------------------------------------------
// Helpers

/** A call to the server; its answer must be one docs/API.md gives. */
const call = async (method: string, path: string, options?: CallOptions) => {
  const reply = await callServer(server.url, method, path, options);
  expectInApiDoc(method, path, reply);
  return reply;
};
const get = (path: string) => call("GET", path);
const reset = () => call("POST", "/reset");

function expectJson(reply: Reply): void {
  expect(reply.headers.get("content-type")).toMatch(/^application\/json\b/);
  expect(reply.body).not.toBeUndefined();
}

/** A label for a test name: long or invisible inputs shortened and escaped. */
function label(value: string): string {
  const shown = value.length > 60 ? `${value.slice(0, 40)}...(${value.length} chars)` : value;
  return JSON.stringify(shown);
}

const validOrder = { user_id: "user_1", product_id: "product_1", quantity: 2, amount: 100.0 };

async function placeOrder(order: Record<string, unknown> = validOrder, prefix = ""): Promise<Reply> {
  const reply = await call("POST", `${prefix}/orders`, { json: order });
  expect(reply.status, reply.text).toBe(201);
  return reply;
}

/** What a rejected request must leave untouched: the orders, the inventory and the balances. */
async function snapshot() {
  const [orders, inventory, balances] = await Promise.all([get("/orders"), get("/inventory"), get("/balances")]);
  return {
    orderIds: (orders.body as { id: string }[]).map((order) => order.id),
    inventory: inventory.text,
    balances: balances.text,
  };
}

const PREFIXES = ["", "/api"] as const;
const SAGA_STATUSES = ["pending", "processing", "compensating", "completed", "failed", "compensation_failed"];
const STEP_STATUSES = ["pending", "running", "completed", "failed", "compensating", "compensated", "compensation_failed"];
const STEP_NAMES = ["validate_order", "reserve_inventory", "process_payment", "ship_order"];
const SEED_INVENTORY = { product_1: 100, product_2: 50, product_3: 25 };
const SEED_BALANCES = { user_1: 1000, user_2: 500, user_3: 200 };

function expectOrderShape(order: any): void {
  expect(order).toMatchObject({
    id: expect.any(String),
    user_id: expect.any(String),
    product_id: expect.any(String),
    quantity: expect.any(Number),
    amount: expect.any(Number),
    status: expect.any(String),
  });
  expect(Number.isInteger(order.quantity)).toBe(true);
  expect(SAGA_STATUSES).toContain(order.status);
}

// ---------------------------------------------------------------------------------------------------
// 1. Every endpoint's shape, at the seed's path and under /api

describe.each(PREFIXES)("endpoint shapes at prefix '%s'", (prefix) => {
  beforeEach(async () => {
    expect((await reset()).status).toBe(200);
  });

  it("POST /reset answers 200 with the seed's message", async () => {
    const reply = await call("POST", `${prefix}/reset`);
    expect(reply.status).toBe(200);
    expectJson(reply);
    expect(reply.body).toEqual({ message: "Mock database reset to initial state." });
  });

  it("GET /health answers 200 {status: healthy}", async () => {
    const reply = await get(`${prefix}/health`);
    expect(reply.status).toBe(200);
    expectJson(reply);
    expect(reply.body).toEqual({ status: "healthy" });
  });

  it("GET /inventory answers 200 {inventory: {product: integer stock}} with the demo data", async () => {
    const reply = await get(`${prefix}/inventory`);
    expect(reply.status).toBe(200);
    expectJson(reply);
    expect(reply.body).toEqual({ inventory: SEED_INVENTORY });
    for (const stock of Object.values(reply.body.inventory)) expect(Number.isInteger(stock)).toBe(true);
  });

  it("GET /balances answers 200 {balances: {user: number}} with the demo data", async () => {
    const reply = await get(`${prefix}/balances`);
    expect(reply.status).toBe(200);
    expectJson(reply);
    expect(reply.body).toEqual({ balances: SEED_BALANCES });
  });

  it("POST /orders answers 201 {order_id, saga_id, status, steps: [{name, status}]} once the saga has finished", async () => {
    const reply = await call("POST", `${prefix}/orders`, { json: validOrder });
    expect(reply.status).toBe(201);
    expectJson(reply);
    expect(reply.body).toMatchObject({ order_id: expect.any(String), saga_id: expect.any(String), status: "completed" });
    expect(reply.body.order_id).not.toBe(reply.body.saga_id);
    expect(reply.body.steps.map((step: any) => step.name)).toEqual(STEP_NAMES);
    for (const step of reply.body.steps) expect(step).toMatchObject({ name: expect.any(String), status: "completed" });
  });

  it("POST /orders answers a business failure as 201 failed, with the failed step's error_message and compensations", async () => {
    const reply = await call("POST", `${prefix}/orders`, {
      json: { user_id: "user_3", product_id: "product_1", quantity: 1, amount: 500.0 },
    });
    expect(reply.status).toBe(201);
    expectJson(reply);
    expect(reply.body.status).toBe("failed");
    expect(reply.body.steps.map((step: any) => [step.name, step.status])).toEqual([
      ["validate_order", "compensated"],
      ["reserve_inventory", "compensated"],
      ["process_payment", "failed"],
      ["ship_order", "pending"],
    ]);
    expect(reply.body.steps[2].error_message).toBe("Insufficient funds");
  });

  it("GET /orders answers 200 with an array of orders, most recent first", async () => {
    const empty = await get(`${prefix}/orders`);
    expect(empty.status).toBe(200);
    expectJson(empty);
    expect(empty.body).toEqual([]);

    const first = await placeOrder({ ...validOrder, quantity: 1 }, prefix);
    const second = await placeOrder({ ...validOrder, user_id: "user_2", amount: 12.5 }, prefix);
    const third = await placeOrder({ ...validOrder, product_id: "product_2", quantity: 3 }, prefix);

    const reply = await get(`${prefix}/orders`);
    expect(reply.status).toBe(200);
    expectJson(reply);
    expect(Array.isArray(reply.body)).toBe(true);
    expect(reply.body.map((order: any) => order.id)).toEqual([third.body.order_id, second.body.order_id, first.body.order_id]);
    reply.body.forEach(expectOrderShape);
    expect(reply.body[1]).toMatchObject({ user_id: "user_2", product_id: "product_1", quantity: 2, amount: 12.5, status: "completed" });
  });

  it("GET /orders/{id} answers 200 {id, user_id, product_id, quantity, amount, status}", async () => {
    const placed = await placeOrder(validOrder, prefix);
    const reply = await get(`${prefix}/orders/${placed.body.order_id}`);
    expect(reply.status).toBe(200);
    expectJson(reply);
    expectOrderShape(reply.body);
    expect(reply.body).toMatchObject({ id: placed.body.order_id, ...validOrder, status: "completed" });
  });

  it("GET /sagas/{id} answers 200 {id, order_id, status, steps: [{name, status, error_message}]}", async () => {
    const placed = await placeOrder(validOrder, prefix);
    const reply = await get(`${prefix}/sagas/${placed.body.saga_id}`);
    expect(reply.status).toBe(200);
    expectJson(reply);
    expect(reply.body).toMatchObject({ id: placed.body.saga_id, order_id: placed.body.order_id, status: "completed" });
    expect(reply.body.steps.map((step: any) => step.name)).toEqual(STEP_NAMES);
    for (const step of reply.body.steps) {
      expect(step).toHaveProperty("error_message");
      expect(step.error_message === null || typeof step.error_message === "string").toBe(true);
      expect(STEP_STATUSES).toContain(step.status);
    }
  });
});

describe("the seed's paths and /api paths answer the same", () => {
  beforeEach(async () => {
    await reset();
  });

  it("gives identical bodies for every GET (same order ids, same saga)", async () => {
    await placeOrder({ ...validOrder, amount: 12.5 });
    const placed = await placeOrder({ user_id: "user_3", product_id: "product_1", quantity: 1, amount: 50 }, "/api");
    const { order_id, saga_id } = placed.body;
    for (const path of ["/orders", `/orders/${order_id}`, `/sagas/${saga_id}`, "/inventory", "/balances", "/health"]) {
      const [seed, api] = await Promise.all([get(path), get(`/api${path}`)]);
      expect(seed.status, path).toBe(200);
      expect(api.status, `/api${path}`).toBe(200);
      expect(seed.text, path).toBe(api.text);
    }
  });
});

// ---------------------------------------------------------------------------------------------------
// 2. Money is printed as Python prints a float

describe("money in raw JSON text", () => {
  beforeEach(async () => {
    await reset();
  });

  it("prints the demo balances as 1000.0, 500.0 and 200.0", async () => {
    for (const prefix of PREFIXES) {
      expect((await get(`${prefix}/balances`)).text).toBe('{"balances":{"user_1":1000.0,"user_2":500.0,"user_3":200.0}}');
    }
  });

  it("prints an amount of 12.5 as 12.5 and of 100 as 100.0, in orders and in balances", async () => {
    const fractional = await placeOrder({ ...validOrder, user_id: "user_2", amount: 12.5 });
    const whole = await placeOrder({ ...validOrder, amount: 100 });

    const fractionalText = (await get(`/orders/${fractional.body.order_id}`)).text;
    expect(fractionalText).toContain('"amount":12.5');
    expect(fractionalText).not.toContain('"amount":12.50');

    const wholeText = (await get(`/api/orders/${whole.body.order_id}`)).text;
    expect(wholeText).toContain('"amount":100.0');

    const list = (await get("/orders")).text;
    expect(list).toContain('"amount":12.5');
    expect(list).toContain('"amount":100.0');
    expect(list).not.toMatch(/"amount":100[,}]/);

    expect((await get("/balances")).text).toBe('{"balances":{"user_1":900.0,"user_2":487.5,"user_3":200.0}}');
  });
});

// ---------------------------------------------------------------------------------------------------
// 3. Errors in FastAPI's shapes: 404 and 405

describe("404 in FastAPI's shape", () => {
  it.each(PREFIXES)("answers {detail: 'Order not found'} and {detail: 'Saga not found'} at prefix '%s'", async (prefix) => {
    const order = await get(`${prefix}/orders/no-such-order`);
    expect(order.status).toBe(404);
    expectJson(order);
    expect(order.body).toEqual({ detail: "Order not found" });

    const saga = await get(`${prefix}/sagas/no-such-saga`);
    expect(saga.status).toBe(404);
    expectJson(saga);
    expect(saga.body).toEqual({ detail: "Saga not found" });
  });

  it("does not find an order by its saga's id, nor a saga by its order's id", async () => {
    await reset();
    const placed = await placeOrder();
    expect((await get(`/orders/${placed.body.saga_id}`)).body).toEqual({ detail: "Order not found" });
    expect((await get(`/sagas/${placed.body.order_id}`)).body).toEqual({ detail: "Saga not found" });
  });

  const unknownPaths = [
    "/api",
    "/api/nope",
    "/api/orders/x/y",
    "/api/sagas/x/y/z",
    "/api/health/x",
    "/orders/x/y",
    "/sagas/x/y/z",
    "/inventory/x",
    "/balances/x/y/z",
    "/health/x",
    "/reset/x",
  ];
  it.each(unknownPaths.flatMap((path) => ["GET", "POST", "DELETE"].map((method) => [method, path])))(
    "%s %s answers a JSON 404 {detail: 'Not Found'}",
    async (method, path) => {
      const reply = await call(method, path);
      expect(reply.status).toBe(404);
      expectJson(reply);
      expect(reply.body).toEqual({ detail: "Not Found" });
    },
  );
});

describe("405 in FastAPI's shape, with an Allow header", () => {
  const wrongMethods: [method: string, path: string, allow: string[]][] = [
    ["DELETE", "/orders", ["GET", "POST"]],
    ["PUT", "/orders", ["GET", "POST"]],
    ["PATCH", "/orders", ["GET", "POST"]],
    ["POST", "/orders/some-id", ["GET"]],
    ["DELETE", "/orders/some-id", ["GET"]],
    ["PUT", "/sagas/some-id", ["GET"]],
    ["DELETE", "/sagas/some-id", ["GET"]],
    ["POST", "/sagas", ["GET"]],
    ["DELETE", "/sagas", ["GET"]],
    ["GET", "/sagas/some-id/retry", ["POST"]],
    ["GET", "/sagas/some-id/continue", ["POST"]],
    ["GET", "/reset", ["POST"]],
    ["DELETE", "/reset", ["POST"]],
    ["PUT", "/inventory", ["GET"]],
    ["POST", "/inventory", ["GET"]],
    ["POST", "/balances", ["GET"]],
    ["PATCH", "/balances", ["GET"]],
    ["POST", "/health", ["GET"]],
    ["DELETE", "/health", ["GET"]],
  ];
  it.each(PREFIXES.flatMap((prefix) => wrongMethods.map(([method, path, allow]) => [method, `${prefix}${path}`, allow] as const)))(
    "%s %s answers 405 {detail: 'Method Not Allowed'}",
    async (method, path, allow) => {
      await reset();
      const before = await snapshot();
      const reply = await call(method, path, method === "GET" ? {} : { json: validOrder });
      expect(reply.status).toBe(405);
      expectJson(reply);
      expect(reply.body).toEqual({ detail: "Method Not Allowed" });
      const allowed = (reply.headers.get("allow") ?? "")
        .split(",")
        .map((m) => m.trim())
        .filter(Boolean);
      expect(allowed.sort()).toEqual([...allow].sort());
      expect(await snapshot()).toEqual(before);
    },
  );
});

// ---------------------------------------------------------------------------------------------------
// 4. 422 in FastAPI's shape, and nothing written

interface InvalidBody {
  name: string;
  body: string;
  loc: unknown[];
  type: string | RegExp;
  msg?: string;
}

const order = (patch: Record<string, unknown>) => JSON.stringify({ ...validOrder, ...patch });
const without = (field: string) => JSON.stringify(Object.fromEntries(Object.entries(validOrder).filter(([key]) => key !== field)));

const invalidBodies: InvalidBody[] = [
  // Not JSON, or not an object
  { name: "invalid JSON", body: "{bad", loc: ["body", 1], type: "json_invalid" },
  { name: "truncated JSON", body: '{"user_id": "user_1"', loc: ["body", expect.any(Number)], type: "json_invalid" },
  { name: "a trailing comma", body: '{"user_id": "user_1",}', loc: ["body", expect.any(Number)], type: "json_invalid" },
  { name: "an empty body", body: "", loc: ["body"], type: "missing", msg: "Field required" },
  { name: "a JSON array", body: "[]", loc: ["body"], type: "model_attributes_type" },
  { name: "an array of the right object", body: JSON.stringify([validOrder]), loc: ["body"], type: "model_attributes_type" },
  { name: "a JSON string", body: '"user_1"', loc: ["body"], type: "model_attributes_type" },
  { name: "a JSON number", body: "42", loc: ["body"], type: "model_attributes_type" },
  { name: "JSON null", body: "null", loc: ["body"], type: /^(model_attributes_type|missing)$/ },
  // Missing fields
  ...Object.keys(validOrder).map((field) => ({
    name: `missing ${field}`,
    body: without(field),
    loc: ["body", field],
    type: "missing",
    msg: "Field required",
  })),
  // Wrong types
  { name: "user_id a number", body: order({ user_id: 1 }), loc: ["body", "user_id"], type: "string_type" },
  { name: "user_id null", body: order({ user_id: null }), loc: ["body", "user_id"], type: "string_type" },
  { name: "product_id an array", body: order({ product_id: ["product_1"] }), loc: ["body", "product_id"], type: "string_type" },
  { name: "product_id an object", body: order({ product_id: { id: "product_1" } }), loc: ["body", "product_id"], type: "string_type" },
  { name: 'quantity "abc"', body: order({ quantity: "abc" }), loc: ["body", "quantity"], type: /^int_(type|parsing)$/ },
  { name: 'quantity "Infinity"', body: order({ quantity: "Infinity" }), loc: ["body", "quantity"], type: /^int_(type|parsing)$/ },
  { name: "quantity null", body: order({ quantity: null }), loc: ["body", "quantity"], type: /^int_(type|parsing)$/ },
  { name: "quantity an object", body: order({ quantity: { n: 2 } }), loc: ["body", "quantity"], type: /^int_(type|parsing)$/ },
  { name: "amount true", body: order({ amount: true }), loc: ["body", "amount"], type: /^(float|decimal)_(type|parsing)$/ },
  { name: 'amount "x"', body: order({ amount: "x" }), loc: ["body", "amount"], type: /^(float|decimal)_(type|parsing)$/ },
  { name: 'amount "NaN"', body: order({ amount: "NaN" }), loc: ["body", "amount"], type: /^(float|decimal)_(type|parsing)|finite_number$/ },
  { name: "amount null", body: order({ amount: null }), loc: ["body", "amount"], type: /^(float|decimal)_type$/ },
  { name: "amount an array", body: order({ amount: [100] }), loc: ["body", "amount"], type: /^(float|decimal)_type$/ },
  // Out of range
  { name: "quantity 0", body: order({ quantity: 0 }), loc: ["body", "quantity"], type: "greater_than" },
  { name: "quantity -1", body: order({ quantity: -1 }), loc: ["body", "quantity"], type: "greater_than" },
  { name: "quantity 1.5", body: order({ quantity: 1.5 }), loc: ["body", "quantity"], type: "int_from_float" },
  { name: "amount 0", body: order({ amount: 0 }), loc: ["body", "amount"], type: "greater_than" },
  { name: "amount -5", body: order({ amount: -5 }), loc: ["body", "amount"], type: "greater_than" },
  { name: 'amount "-0"', body: order({ amount: "-0" }), loc: ["body", "amount"], type: "greater_than" },
  { name: "amount 10.123", body: order({ amount: 10.123 }), loc: ["body", "amount"], type: "decimal_max_places" },
  { name: "amount 0.001", body: order({ amount: 0.001 }), loc: ["body", "amount"], type: "decimal_max_places" },
  { name: "amount 1e-9", body: order({ amount: 1e-9 }), loc: ["body", "amount"], type: "decimal_max_places" },
  // Over-large
  { name: "quantity 1000001", body: order({ quantity: 1_000_001 }), loc: ["body", "quantity"], type: "less_than_equal" },
  { name: "quantity 1e20", body: order({ quantity: 1e20 }), loc: ["body", "quantity"], type: "less_than_equal" },
  { name: "amount 1e10", body: order({ amount: 1e10 }), loc: ["body", "amount"], type: "less_than_equal" },
  { name: "amount 1e308", body: order({ amount: 1e308 }), loc: ["body", "amount"], type: "less_than_equal" },
  {
    name: "amount 1e400 (beyond a double)",
    body: order({ amount: 0 }).replace('"amount":0', '"amount":1e400'),
    loc: ["body", "amount"],
    type: /.+/,
  },
  { name: "user_id of 101 characters", body: order({ user_id: "u".repeat(101) }), loc: ["body", "user_id"], type: "string_too_long" },
  {
    name: "product_id of 10k characters",
    body: order({ product_id: "p".repeat(10_000) }),
    loc: ["body", "product_id"],
    type: "string_too_long",
  },
];

describe.each(PREFIXES)("422 for an invalid POST %s/orders", (prefix) => {
  beforeEach(async () => {
    await reset();
    await placeOrder({ ...validOrder, quantity: 1, amount: 10 }); // so "nothing written" is checked against a non-empty state
  });

  it.each(invalidBodies)("$name", async ({ body, loc, type, msg }) => {
    const before = await snapshot();
    const reply = await call("POST", `${prefix}/orders`, { raw: body });

    expect(reply.status, reply.text).toBe(422);
    expectJson(reply);
    expect(Array.isArray(reply.body.detail)).toBe(true);
    expect(reply.body.detail.length).toBeGreaterThan(0);
    for (const item of reply.body.detail) {
      expect(item).toMatchObject({ loc: expect.any(Array), msg: expect.any(String), type: expect.any(String) });
      expect(item.loc[0]).toBe("body");
    }
    expect(reply.body.detail).toContainEqual(
      expect.objectContaining({
        loc,
        type: typeof type === "string" ? type : expect.stringMatching(type),
        ...(msg === undefined ? {} : { msg }),
      }),
    );

    expect(await snapshot()).toEqual(before);
  });

  it("reports every missing field of an empty object as missing", async () => {
    const before = await snapshot();
    const reply = await call("POST", `${prefix}/orders`, { raw: "{}" });
    expect(reply.status).toBe(422);
    expectJson(reply);
    const missing = reply.body.detail.map((item: any) => [item.loc, item.type]);
    expect(missing).toEqual(Object.keys(validOrder).map((field) => [["body", field], "missing"]));
    expect(await snapshot()).toEqual(before);
  });
});

// ---------------------------------------------------------------------------------------------------
// 5. Unknown fields are ignored; numeric strings are taken, as pydantic's lax mode takes them

describe("lenient inputs, as FastAPI takes them", () => {
  beforeEach(async () => {
    await reset();
  });

  it.each(PREFIXES)("ignores unknown body fields at prefix '%s'", async (prefix) => {
    const reply = await call("POST", `${prefix}/orders`, { json: { ...validOrder, coupon: "FREE", nested: { a: [1, 2] }, id: "mine" } });
    expect(reply.status).toBe(201);
    expect(reply.body.status).toBe("completed");
    expect(reply.body.order_id).not.toBe("mine");
    const stored = await get(`/orders/${reply.body.order_id}`);
    expect(stored.body).not.toHaveProperty("coupon");
    expect(stored.body).toMatchObject({ ...validOrder, status: "completed" });
  });

  it.each([
    ["quantity", { quantity: "2" }, { quantity: 2 }],
    ["amount", { amount: "100.0" }, { amount: 100 }],
    ["quantity and amount", { quantity: "3", amount: "12.5" }, { quantity: 3, amount: 12.5 }],
  ])("accepts %s sent as a numeric string, stored as a number", async (_name, patch, stored) => {
    const reply = await call("POST", "/orders", { json: { ...validOrder, ...patch } });
    expect(reply.status, reply.text).toBe(201);
    expect(reply.body.status).toBe("completed");
    const order = await get(`/orders/${reply.body.order_id}`);
    expect(order.body).toMatchObject(stored);
    expectOrderShape(order.body);
  });
});

// ---------------------------------------------------------------------------------------------------
// 6. Bodies over 64 KiB: 413

const LIMIT = 64 * 1024;

/** A valid order padded with an unknown field to exactly `bytes` bytes. */
function paddedOrder(bytes: number): string {
  const empty = JSON.stringify({ ...validOrder, padding: "" });
  const body = JSON.stringify({ ...validOrder, padding: "x".repeat(bytes - empty.length) });
  expect(Buffer.byteLength(body)).toBe(bytes);
  return body;
}

function streamOf(text: string): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  return new ReadableStream({
    start(controller) {
      for (let i = 0; i < bytes.length; i += 16 * 1024) controller.enqueue(bytes.subarray(i, i + 16 * 1024));
      controller.close();
    },
  });
}

/** A request through node:http on a given agent, so a test controls which connection it uses. */
function rawRequest(
  agent: http.Agent,
  method: string,
  path: string,
  options: { body?: string; headers?: Record<string, string>; timeoutMs?: number } = {},
): Promise<{ status: number; contentType: string; text: string } | { error: string }> {
  const { hostname, port } = new URL(server.url);
  return new Promise((resolve) => {
    const request = http.request({ host: hostname, port, method, path, headers: options.headers, agent }, (response) => {
      let text = "";
      response.setEncoding("utf8");
      response.on("data", (chunk) => (text += chunk));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, contentType: response.headers["content-type"] ?? "", text }));
    });
    request.on("error", (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }));
    if (options.timeoutMs !== undefined) {
      request.setTimeout(options.timeoutMs, () => {
        resolve({ error: `no answer within ${options.timeoutMs} ms` });
        request.destroy();
      });
    }
    if (options.body !== undefined) request.write(options.body);
    request.end();
  });
}

describe("413 for a body over 64 KiB", () => {
  beforeEach(async () => {
    await reset();
  });

  it("accepts a body of exactly 64 KiB", async () => {
    const reply = await call("POST", "/orders", { raw: paddedOrder(LIMIT) });
    expect(reply.status).toBe(201);
  });

  it.each([
    ["one byte over, at /orders", "/orders", LIMIT + 1],
    ["one byte over, at /api/orders", "/api/orders", LIMIT + 1],
    ["1 MiB", "/orders", 1024 * 1024],
  ])("answers 413 with a JSON detail for a body %s, and writes nothing", async (_name, path, bytes) => {
    const before = await snapshot();
    const reply = await call("POST", path, { raw: paddedOrder(bytes) });
    expect(reply.status).toBe(413);
    expectJson(reply);
    expect(reply.body).toEqual({ detail: expect.any(String) });
    expect(await snapshot()).toEqual(before);
  });

  it("answers 413 for an oversized body sent without a Content-Length (chunked)", async () => {
    const before = await snapshot();
    const response = await fetch(`${server.url}/orders`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: streamOf(paddedOrder(LIMIT + 1)),
      duplex: "half",
    } as RequestInit);
    expect(response.status).toBe(413);
    expect(response.headers.get("content-type")).toMatch(/^application\/json\b/);
    expect(await response.json()).toEqual({ detail: expect.any(String) });
    expect(await snapshot()).toEqual(before);
  });

  it.each([
    ["with a Content-Length", (body: string) => ({ "content-length": String(Buffer.byteLength(body)) })],
    ["chunked", () => ({ "transfer-encoding": "chunked" })],
  ])("answers the next request on the same keep-alive connection after refusing an oversized body sent %s", async (_name, framing) => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const body = paddedOrder(200_000);
      const refused = await rawRequest(agent, "POST", "/orders", {
        body,
        headers: { "content-type": "application/json", ...framing(body) },
      });
      expect(refused).toMatchObject({ status: 413 });
      // maxSockets: 1, so the next request goes over the same connection: it must be answered, not hang or be reset
      // (the server may instead close the connection with "Connection: close", and the agent then opens a new one).
      const next = await rawRequest(agent, "GET", "/health", { timeoutMs: 3_000 });
      expect(next).toEqual({ status: 200, contentType: "application/json", text: '{"status":"healthy"}' });
    } finally {
      agent.destroy();
    }
  });
});

// ---------------------------------------------------------------------------------------------------
// 7. No client input yields a 5xx or a non-JSON body on an API path

function problem(method: string, path: string, reply: Reply): string | null {
  const json = /^application\/json\b/.test(reply.headers.get("content-type") ?? "") && reply.body !== undefined;
  if (reply.status < 500 && json) return null;
  return `${method} ${path.length > 80 ? `${path.slice(0, 60)}...` : path} -> ${reply.status} ${reply.headers.get("content-type")}`;
}

const longId = "a".repeat(10_000);

/** Path segments, as they appear in the URL (fetch sends them unchanged). */
const hostileSegments: string[] = [
  longId,
  encodeURIComponent("é".repeat(2_000)),
  "%00",
  "abc%00def",
  "..%2F..%2Fetc%2Fpasswd",
  "..%5C..%5Cwindows%5Cwin.ini",
  "%2F",
  "%25",
  "%ZZ",
  "%",
  "%E2%9C",
  "%ff",
  "%C0%AF",
  "%ED%A0%80",
  encodeURIComponent("💥🧨👩‍👩‍👧"),
  encodeURIComponent("\u202egnp.exe"),
  encodeURIComponent("\u200b\ufeff"),
  encodeURIComponent("'; DROP TABLE orders;--"),
  encodeURIComponent("<script>alert(1)</script>"),
  encodeURIComponent("{}"),
  "%0D%0ASet-Cookie:%20x=1",
  "NaN",
  "Infinity",
  "1e308",
  "-1",
  "null",
  "__proto__",
  "constructor",
];

describe("no 5xx and no non-JSON body for hostile path segments", () => {
  beforeAll(async () => {
    await reset();
  });

  it.each(hostileSegments.map((segment) => [label(segment), segment]))("segment %s", async (_label, segment) => {
    const problems: string[] = [];
    const targets: [method: string, path: string][] = [];
    for (const prefix of PREFIXES) {
      targets.push(
        ["GET", `${prefix}/orders/${segment}`],
        ["GET", `${prefix}/sagas/${segment}`],
        ["DELETE", `${prefix}/orders/${segment}`],
        ["GET", `${prefix}/orders/${segment}/x`],
        ["GET", `${prefix}/health/${segment}`],
      );
    }
    targets.push(["GET", `/api/${segment}`], ["POST", `/api/${segment}`]);
    for (const [method, path] of targets) {
      const reply = await call(method, path);
      const found = problem(method, path, reply);
      if (found) problems.push(found);
    }
    expect(problems).toEqual([]);
  });
});

describe("no 5xx and no non-JSON body for hostile query strings", () => {
  const queries = [`id=${longId}`, "x=%ZZ", "%00=%00", "limit=-1&offset=1e308", "a[b][c]=1", "__proto__[polluted]=1", "q=%F0%9F%92%A5"];
  it.each(queries.map((query) => [label(query), query]))("query %s", async (_label, query) => {
    const problems: string[] = [];
    for (const prefix of PREFIXES) {
      for (const path of ["/orders", "/inventory", "/balances", "/health"]) {
        const reply = await get(`${prefix}${path}?${query}`);
        // GET /orders takes ?limit= (1 to 500): a bad one is a 422; every other parameter is ignored.
        expect(reply.status).toBe(path === "/orders" && query.startsWith("limit=") ? 422 : 200);
        const found = problem("GET", `${prefix}${path}?${query}`, reply);
        if (found) problems.push(found);
      }
    }
    expect(problems).toEqual([]);
  });
});

const deep = (depth: number) => "[".repeat(depth) + "]".repeat(depth);

/** Request bodies, raw; each is sent to POST /orders (both paths) and to endpoints that take no body. */
const hostileBodies: [name: string, body: string | Uint8Array, headers?: Record<string, string>][] = [
  ["unicode ids", order({ user_id: "ユーザー_1", product_id: "💥🧨" })],
  ["right-to-left override and zero-width ids", order({ user_id: "\u202euser_1", product_id: "\u200bproduct_1\ufeff" })],
  ["a NUL in an id", order({ user_id: "user_1\u0000" })],
  ["a lone surrogate escape", order({ user_id: "x" }).replace('"x"', '"\\ud800"')],
  ["a noncharacter", order({ product_id: "\uffff" })],
  ["a 10k-character user_id", order({ user_id: longId })],
  [
    "nested objects in every field",
    order({ user_id: { a: { b: [1, { c: null }] } }, product_id: [[[]]], quantity: { n: 1 }, amount: [[1]] }),
  ],
  ["the order nested in another object", JSON.stringify({ order: validOrder })],
  ["a field nested 100 deep", order({ user_id: 0 }).replace('"user_id":0', `"user_id":${deep(100)}`)],
  ["a field nested 5000 deep", order({ user_id: 0 }).replace('"user_id":0', `"user_id":${deep(5_000)}`)],
  ["a top-level array nested 20000 deep", deep(20_000)],
  ["quantity 1e308", order({ quantity: 1e308 })],
  ["amount -1e308", order({ amount: -1e308 })],
  ["amount 5e-324", order({ amount: 5e-324 })],
  ["a 30-digit quantity", order({ quantity: 0 }).replace('"quantity":0', '"quantity":123456789012345678901234567890')],
  ["NaN-ish strings", order({ quantity: "NaN", amount: "-Infinity" })],
  ["hex and underscore numerals", order({ quantity: "0x10", amount: "1_000" })],
  ["whitespace numerals", order({ quantity: " ", amount: "" })],
  [
    "__proto__ carrying a field",
    JSON.stringify({ user_id: "user_1", product_id: "product_1", amount: 5 }).replace("{", '{"__proto__":{"quantity":1},'),
  ],
  ["constructor.prototype", order({ constructor: { prototype: { quantity: 1 } } })],
  ["duplicate keys", '{"user_id":"user_1","user_id":7,"product_id":"product_1","quantity":1,"quantity":"x","amount":5}'],
  ["a byte-order mark before the JSON", `\ufeff${order({})}`],
  ["invalid UTF-8", new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d])],
  ["a lone NUL", "\u0000"],
  ["a lone brace", "{"],
  ["1e999", "1e999"],
  [
    "a form-encoded body",
    "user_id=user_1&product_id=product_1&quantity=1&amount=5",
    { "content-type": "application/x-www-form-urlencoded" },
  ],
  ["JSON sent as text/plain", order({}), { "content-type": "text/plain" }],
  ["a multipart content-type", order({}), { "content-type": "multipart/form-data; boundary=x" }],
];

describe("no 5xx and no non-JSON body for hostile request bodies", () => {
  beforeAll(async () => {
    await reset();
  });

  it.each(hostileBodies)("body: %s", async (_name, body, headers) => {
    const problems: string[] = [];
    const targets: [method: string, path: string][] = [
      ["POST", "/orders"],
      ["POST", "/api/orders"],
      ["PUT", "/orders"],
      ["POST", "/api/inventory"],
      ["POST", "/health"],
      ["POST", "/api/nope"],
    ];
    for (const [method, path] of targets) {
      const reply = await call(method, path, { raw: body, headers });
      const found = problem(method, path, reply);
      if (found) problems.push(found);
    }
    expect(problems).toEqual([]);
  });
});
