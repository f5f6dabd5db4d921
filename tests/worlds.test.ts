// Demo worlds over HTTP, as a browser and curl meet them: a page view hands out the cookie, the cookie
// scopes every call, POST /world makes a world for an API client, and the limits answer 429 in
// FastAPI's shape. Without a cookie, everything acts in the shared world as before.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call } from "./http";
import { startServer, type TestServer } from "./server";

let server: TestServer;

beforeAll(async () => {
  server = await startServer({ env: { SAGA_WORLDS_PER_MINUTE: "3", SAGA_WORLD_MAX_ORDERS: "2" } });
}, 60_000);
afterAll(() => server?.stop());

const order = { user_id: "user_1", product_id: "product_1", quantity: 2, amount: 100 };

/** The `name=value` of the saga_world cookie a reply sets, and its attributes. */
function worldCookie(reply: { headers: Headers }) {
  const header = reply.headers.getSetCookie().find((cookie) => cookie.startsWith("saga_world="));
  return header === undefined ? undefined : { pair: header.split(";")[0], attributes: header };
}

describe("a browser's world", () => {
  it("a first page view sets an HttpOnly, SameSite=Lax cookie naming a new world; a later one, or an API call, sets none", async () => {
    const page = await call(server.url, "GET", "/");
    expect(page.status).toBe(200);
    const cookie = worldCookie(page)!;
    expect(cookie.pair).toMatch(/^saga_world=[A-Za-z0-9_-]{22}$/);
    expect(cookie.attributes).toMatch(/HttpOnly/i);
    expect(cookie.attributes).toMatch(/SameSite=lax/i);
    expect(cookie.attributes).toMatch(/Path=\//);
    expect(worldCookie(await call(server.url, "GET", "/", { headers: { cookie: cookie.pair } }))).toBeUndefined();
    expect(worldCookie(await call(server.url, "GET", "/orders"))).toBeUndefined();
    expect(worldCookie(await call(server.url, "GET", "/workflow"))).toBeDefined();
  });

  it("with the cookie, orders, stock, balances, lists and reset are the world's; the shared world does not see them", async () => {
    const { pair } = worldCookie(await call(server.url, "GET", "/"))!;
    const mine = { headers: { cookie: pair } };
    const sharedBefore = (await call(server.url, "GET", "/inventory")).body;

    expect((await call(server.url, "GET", "/world", mine)).body).toEqual({
      world: "private",
      orders: 0,
      max_orders: 2,
      removed_after_idle_hours: 24,
    });
    expect((await call(server.url, "GET", "/inventory", mine)).body).toEqual({
      inventory: { product_1: 100, product_2: 50, product_3: 25 },
    });
    const placed = await call(server.url, "POST", "/orders", { ...mine, json: order });
    expect(placed.status).toBe(201);
    expect(placed.body.status).toBe("completed");

    expect((await call(server.url, "GET", "/inventory", mine)).body.inventory.product_1).toBe(98);
    expect((await call(server.url, "GET", "/balances", mine)).body.balances.user_1).toBe(900);
    expect((await call(server.url, "GET", "/orders", mine)).body.map((o: { id: string }) => o.id)).toEqual([placed.body.order_id]);
    expect((await call(server.url, "GET", "/sagas", mine)).body.map((s: { id: string }) => s.id)).toEqual([placed.body.saga_id]);

    // The shared world, without the cookie: none of it.
    expect((await call(server.url, "GET", "/inventory")).body).toEqual(sharedBefore);
    expect((await call(server.url, "GET", "/orders")).body.map((o: { id: string }) => o.id)).not.toContain(placed.body.order_id);
    expect((await call(server.url, "GET", "/world")).body).toEqual({
      world: "shared",
      orders: expect.any(Number),
      max_orders: null,
      removed_after_idle_hours: null,
    });
    // But a saga (and its order) opens by its link for anyone.
    expect((await call(server.url, "GET", `/sagas/${placed.body.saga_id}`)).body.status).toBe("completed");
    expect((await call(server.url, "GET", `/orders/${placed.body.order_id}`)).status).toBe(200);

    // The shared world's reset leaves the private one; the private reset leaves the shared one.
    await call(server.url, "POST", "/orders", { json: order });
    expect((await call(server.url, "POST", "/reset")).status).toBe(200);
    expect((await call(server.url, "GET", "/inventory", mine)).body.inventory.product_1).toBe(98);
    await call(server.url, "POST", "/orders", { json: order });
    expect((await call(server.url, "POST", "/reset", mine)).status).toBe(200);
    expect((await call(server.url, "GET", "/inventory", mine)).body.inventory.product_1).toBe(100);
    expect((await call(server.url, "GET", "/inventory")).body.inventory.product_1).toBe(98);
  });

  it("a private world holds SAGA_WORLD_MAX_ORDERS orders, then answers 429 and records nothing", async () => {
    const { pair } = worldCookie(await call(server.url, "GET", "/"))!;
    const mine = { headers: { cookie: pair } };
    for (let i = 0; i < 2; i++) expect((await call(server.url, "POST", "/orders", { ...mine, json: order })).status).toBe(201);
    const refused = await call(server.url, "POST", "/orders", { ...mine, json: order });
    expect(refused.status).toBe(429);
    expect(refused.body).toEqual({ detail: "This demo world holds its limit of 2 orders: reset it to start again." });
    expect(refused.headers.get("retry-after")).toBe("60");
    expect((await call(server.url, "GET", "/orders", mine)).body).toHaveLength(2);
    expect((await call(server.url, "GET", "/inventory", mine)).body.inventory.product_1).toBe(96);
    // GET /world counts what the world holds (the refused order is not in it); a reset empties it.
    expect((await call(server.url, "GET", "/world", mine)).body).toMatchObject({ world: "private", orders: 2 });
    expect((await call(server.url, "POST", "/reset", mine)).status).toBe(200);
    expect((await call(server.url, "GET", "/world", mine)).body).toMatchObject({ world: "private", orders: 0 });
    expect((await call(server.url, "POST", "/orders", { ...mine, json: order })).status).toBe(201);
  });
});

describe("an API client's world", () => {
  it("POST /world makes one and sets its cookie; the budget of new worlds per address ends in a 429", async () => {
    // The budget is 3 a minute, and the tests above may have spent some of it: spend the rest.
    const made: string[] = [];
    let refused;
    for (let i = 0; i < 5 && !refused; i++) {
      const reply = await call(server.url, "POST", "/world");
      if (reply.status === 429) refused = reply;
      else {
        expect(reply.status).toBe(201);
        expect(reply.body).toEqual({ world: "private", orders: 0, max_orders: 2, removed_after_idle_hours: 24 });
        made.push(worldCookie(reply)!.pair);
      }
    }
    expect(made.length).toBeGreaterThan(0);
    expect(refused!.body.detail).toMatch(/^Too many new demo worlds from this address: at most 3 a minute\. Try again in \d+ s\.$/);
    expect(Number(refused!.headers.get("retry-after"))).toBeGreaterThan(0);
    // A cookie for a world never made is a new world too: refused the same way, and nothing is made.
    const unknown = await call(server.url, "GET", "/inventory", { headers: { cookie: "saga_world=AAAAAAAAAAAAAAAAAAAAAA" } });
    expect(unknown.status).toBe(429);
    // The worlds already made still serve.
    expect((await call(server.url, "GET", "/inventory", { headers: { cookie: made[0] } })).body.inventory.product_1).toBe(100);
    // Without a cookie, nothing is held back.
    expect((await call(server.url, "GET", "/inventory")).status).toBe(200);
  });
});
