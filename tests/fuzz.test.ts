// Property-based: thousands of malformed and hostile bodies, headers and paths against every endpoint.
// Whatever a client sends: never a 5xx, always a JSON body, and nothing written unless an order was
// accepted (201/202).
import fc from "fast-check";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startServer, type TestServer } from "./server";

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.stop());

const endpoints = ["/orders", "/api/orders", "/orders/x", "/sagas/x", "/api/sagas/x/events", "/inventory", "/balances", "/health", "/reset", "/api/events"];
const methods = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];
const field = fc.oneof(
  fc.string(),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 2 }),
);
// Bodies near the real shape (so validation is exercised field by field) and far from it.
const body = fc.oneof(
  fc.record(
    { user_id: field, product_id: field, quantity: field, amount: field, simulation: fc.oneof(field, fc.record({ speed: field })) },
    { requiredKeys: [] },
  ).map((value) => JSON.stringify(value)),
  fc.json(),
  fc.string(),
  fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes).toString("latin1")),
);
const headerValue = fc.stringMatching(/^[\x20-\x7e]{0,40}$/);
const pathSuffix = fc.oneof(
  fc.constant(""),
  fc.webSegment().map((segment) => `/${segment}`),
  fc.constantFrom("/%ZZ", "/%00", "/..%2f..", "/%E2%9C", "//", "/x?y=%zz", "/;a=b"),
);

async function counts() {
  const orders = (await (await fetch(`${server.url}/orders`)).json()) as unknown[];
  const inventory = await (await fetch(`${server.url}/inventory`)).json();
  const balances = await (await fetch(`${server.url}/balances`)).json();
  return { orders: orders.length, inventory, balances };
}

it("never answers 5xx or a non-JSON body, and writes nothing it refused", async () => {
  let accepted = 0;
  const before = await counts();
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom(...endpoints.filter((e) => e !== "/reset" && e !== "/api/events")),
      pathSuffix,
      fc.constantFrom(...methods),
      body,
      fc.record({ "content-type": headerValue, "idempotency-key": headerValue, prefer: headerValue }, { requiredKeys: [] }),
      async (endpoint, suffix, method, text, headers) => {
        const hasBody = method !== "GET" && method !== "OPTIONS";
        const response = await fetch(`${server.url}${endpoint}${suffix}`, {
          method,
          headers: headers as Record<string, string>,
          body: hasBody ? text : undefined,
        });
        const raw = await response.text();
        expect(response.status, `${method} ${endpoint}${suffix} ${text}`).toBeLessThan(500);
        expect(response.headers.get("content-type"), `${method} ${endpoint}${suffix}`).toContain("application/json");
        expect(() => JSON.parse(raw)).not.toThrow();
        if (response.status === 201 || response.status === 202) accepted++;
      },
    ),
    { numRuns: 2500, seed: 42 },
  );
  const after = await counts();
  expect(after.orders).toBe(before.orders + accepted);
  if (accepted === 0) expect(after).toEqual(before);
}, 240_000);

it("answers 413 to bodies over the limit, whatever they hold", async () => {
  await fc.assert(
    fc.asyncProperty(fc.integer({ min: 64 * 1024 + 1, max: 512 * 1024 }), fc.constantFrom("/orders", "/api/orders"), async (size, path) => {
      const response = await fetch(`${server.url}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: "x".repeat(size) });
      expect(response.status).toBe(413);
      expect(await response.json()).toEqual({ detail: "Request body too large" });
    }),
    { numRuns: 20, seed: 7 },
  );
});
