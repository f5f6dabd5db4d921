// Property-based: thousands of malformed and hostile bodies, headers and paths against every endpoint.
// Whatever a client sends: never a 5xx, always a JSON body, an order recorded for each one accepted
// (201/202) and none for anything refused, and no stock or money created or lost: what is in stock plus
// what completed orders took is the demo's stock, what is in the accounts plus what they paid is its money.
import fc from "fast-check";
import { afterAll, beforeAll, expect, it } from "vitest";
import { demoAccounts, demoProducts } from "../lib/orders/demo-data";
import { startServer, type TestServer } from "./server";

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.stop());

const endpoints = [
  "/orders",
  "/api/orders",
  "/orders/x",
  "/sagas/x",
  "/api/sagas/x/events",
  "/inventory",
  "/balances",
  "/health",
  "/reset",
  "/api/events",
];
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
  fc
    .record(
      { user_id: field, product_id: field, quantity: field, amount: field, simulation: fc.oneof(field, fc.record({ speed: field })) },
      { requiredKeys: [] },
    )
    .map((value) => JSON.stringify(value)),
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

/** Any request at all: an endpoint (but /reset), any suffix, method, body and headers. */
const hostileRequest = fc.record({
  path: fc
    .tuple(fc.constantFrom(...endpoints.filter((e) => e !== "/reset" && e !== "/api/events")), pathSuffix)
    .map(([endpoint, suffix]) => endpoint + suffix),
  method: fc.constantFrom(...methods),
  text: body,
  headers: fc.record({ "content-type": headerValue, "idempotency-key": headerValue, prefer: headerValue }, { requiredKeys: [] }),
});
// Among them, orders that mostly validate: the demo's users and products (or not), small numbers, a
// Prefer: respond-async now and then. They complete, fail for a business reason, or are compensated
// (user_3 cannot be shipped to), so that conservation is checked with stock and money in play.
const either = <T>(often: fc.Arbitrary<T>) => fc.oneof({ arbitrary: often, weight: 4 }, { arbitrary: field, weight: 1 });
const orderRequest = fc.record({
  path: fc.constantFrom("/orders", "/api/orders"),
  method: fc.constant("POST"),
  text: fc
    .record({
      user_id: either(fc.constantFrom(...demoAccounts.map((account) => account.id), "user_9")),
      product_id: either(fc.constantFrom(...demoProducts.map((product) => product.id), "product_9")),
      quantity: either(fc.integer({ min: 1, max: 10 })),
      amount: either(fc.integer({ min: 1, max: 15_000 }).map((cents) => cents / 100)),
    })
    .map((order) => JSON.stringify(order)),
  // Sent as JSON: a string body alone goes as text/plain, which FastAPI (and so this API) refuses.
  headers: fc
    .record({ "idempotency-key": headerValue, prefer: fc.constantFrom("respond-async", "wait") }, { requiredKeys: [] })
    .map((headers) => ({ ...headers, "content-type": "application/json" })),
});

interface Order {
  user_id: string;
  product_id: string;
  quantity: number;
  amount: number;
  status: string;
}

const getJson = async (path: string) => (await fetch(`${server.url}${path}`)).json();
const cents = (dollars: number) => Math.round(dollars * 100);
const FINISHED = ["completed", "failed", "compensation_failed"];

/** The orders, once every saga has finished (one started with Prefer: respond-async may still be running). */
async function finishedOrders(): Promise<Order[]> {
  for (let attempt = 0; ; attempt++) {
    const orders = (await getJson("/orders")) as Order[];
    if (orders.every((order) => FINISHED.includes(order.status)) || attempt === 100) return orders;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Stock and money as the API shows them, each with what completed orders took out of it added back:
 * units in stock plus units shipped by completed orders, per product; cents in the account plus cents
 * completed orders charged, per user. A failed saga has given back all it took, so it counts for nothing.
 */
async function conserved(orders: Order[]) {
  const { inventory } = (await getJson("/inventory")) as { inventory: Record<string, number> };
  const { balances } = (await getJson("/balances")) as { balances: Record<string, number> };
  const stock = { ...inventory };
  const money = Object.fromEntries(Object.entries(balances).map(([user, dollars]) => [user, cents(dollars)]));
  for (const order of orders.filter((o) => o.status === "completed")) {
    stock[order.product_id] += order.quantity;
    money[order.user_id] += cents(order.amount);
  }
  return { stock, money };
}

const demo = {
  stock: Object.fromEntries(demoProducts.map((product) => [product.id, product.stock])),
  money: Object.fromEntries(demoAccounts.map((account) => [account.id, account.balanceCents])),
};

it("never answers 5xx or a non-JSON body, records an order for each one accepted, and conserves stock and money", async () => {
  let accepted = 0;
  expect(await conserved(await finishedOrders()), "the demo's stock and money, before").toEqual(demo);
  const before = ((await getJson("/orders")) as Order[]).length;
  await fc.assert(
    fc.asyncProperty(
      fc.oneof({ arbitrary: hostileRequest, weight: 9 }, { arbitrary: orderRequest, weight: 1 }),
      async ({ path, method, text, headers }) => {
        const hasBody = method !== "GET" && method !== "OPTIONS";
        const response = await fetch(`${server.url}${path}`, {
          method,
          headers: headers as Record<string, string>,
          body: hasBody ? text : undefined,
        });
        const raw = await response.text();
        expect(response.status, `${method} ${path} ${text}`).toBeLessThan(500);
        expect(response.headers.get("content-type"), `${method} ${path}`).toContain("application/json");
        expect(() => JSON.parse(raw)).not.toThrow();
        // A replay of an Idempotency-Key answers an order recorded before: it records no new one.
        if ((response.status === 201 || response.status === 202) && response.headers.get("idempotent-replayed") !== "true") accepted++;
      },
    ),
    { numRuns: 2500, seed: 42 },
  );
  const orders = await finishedOrders();
  expect(orders.length).toBe(before + accepted);
  // Every saga has ended; none without an injected fault is left stuck holding stock or money.
  expect(orders.filter((order) => !["completed", "failed"].includes(order.status))).toEqual([]);
  expect(await conserved(orders), "stock + units completed orders took, balances + cents they paid").toEqual(demo);
  // Orders did complete and did fail: the sums above had stock and money in play.
  expect(orders.some((order) => order.status === "completed")).toBe(true);
  expect(orders.some((order) => order.status === "failed")).toBe(true);
}, 240_000);

it("answers 413 to bodies over the limit, whatever they hold", async () => {
  await fc.assert(
    fc.asyncProperty(fc.integer({ min: 64 * 1024 + 1, max: 512 * 1024 }), fc.constantFrom("/orders", "/api/orders"), async (size, path) => {
      const response = await fetch(`${server.url}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: "x".repeat(size),
      });
      expect(response.status).toBe(413);
      expect(await response.json()).toEqual({ detail: "Request body too large" });
    }),
    { numRuns: 20, seed: 7 },
  );
});
