// The lists with many rows: GET /sagas answered 500 past about 1,000 sagas (one query parameter per
// saga), and GET /orders read the whole table at once and ignored ?limit. Now: the whole list a page
// at a time (the seed's GET /orders), or one page with ?limit= and a cursor to the next.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { database } from "../lib/db/client";
import { ready } from "../lib/orders/ready";
import { call } from "./http";
import { startServer, type TestServer } from "./server";

const COUNT = 1_100;
let server: TestServer;
let newestFirst: { orderId: string; sagaId: string }[];

// Written straight through the data layer (the same Prisma models the app uses): 1,100 orders, each
// with a saga stuck in compensation_failed, a millisecond apart.
beforeAll(async () => {
  const db = await ready();
  const start = Date.now() - COUNT * 1_000;
  const rows = Array.from({ length: COUNT }, (_, i) => ({ orderId: randomUUID(), sagaId: randomUUID(), at: new Date(start + i * 1_000) }));
  await db.write(async (tx) => {
    await tx.saga.createMany({
      data: rows.map((r) => ({
        id: r.sagaId,
        definition: "order",
        subjectType: "order",
        subjectId: r.orderId,
        scope: "default",
        status: "compensation_failed",
        createdAt: r.at,
        updatedAt: r.at,
      })),
    });
    await tx.sagaStep.createMany({
      data: rows.flatMap((r) =>
        ["validate_order", "reserve_inventory", "process_payment", "ship_order"].map((name, position) => ({
          sagaId: r.sagaId,
          position,
          name,
          compensationName: `undo_${name}`,
          status: "pending",
        })),
      ),
    });
    await tx.order.createMany({
      data: rows.map((r) => ({
        id: r.orderId,
        worldId: "default",
        userId: "user_1",
        productId: "product_1",
        quantity: 1,
        amountCents: 100,
        status: "compensation_failed",
        sagaId: r.sagaId,
        createdAt: r.at,
        updatedAt: r.at,
      })),
    });
  });
  newestFirst = rows.reverse();
  await (await database()).close();
  server = await startServer({ databaseUrl: process.env.DATABASE_URL });
}, 120_000);
afterAll(() => server?.stop());

describe("a whole list, as the seed answers GET /orders", () => {
  it("GET /orders answers every order, newest first", async () => {
    const reply = await call(server.url, "GET", "/orders");
    expect(reply.status).toBe(200);
    expect(reply.body.map((o: { id: string }) => o.id)).toEqual(newestFirst.map((r) => r.orderId));
    expect(reply.headers.get("link")).toBeNull();
  });

  it("GET /sagas and ?status=compensation_failed answer all 1,100, newest first", async () => {
    for (const path of ["/sagas", "/sagas?status=compensation_failed"]) {
      const reply = await call(server.url, "GET", path);
      expect(reply.status, path).toBe(200);
      expect(reply.body.map((s: { id: string }) => s.id)).toEqual(newestFirst.map((r) => r.sagaId));
      expect(reply.body[0].steps).toHaveLength(4);
    }
    expect((await call(server.url, "GET", "/sagas?status=completed")).body).toEqual([]);
  });
});

describe("pages", () => {
  it.each(["/orders", "/sagas", "/sagas?status=compensation_failed"])("%s pages through everything once, following Link", async (path) => {
    const seen: string[] = [];
    let next: string | null = `${path}${path.includes("?") ? "&" : "?"}limit=300`;
    let pages = 0;
    while (next) {
      const reply = await call(server.url, "GET", next.replace(/^\/api/, ""));
      expect(reply.status).toBe(200);
      expect(reply.body.length).toBeLessThanOrEqual(300);
      seen.push(...reply.body.map((item: { id: string }) => item.id));
      const link = reply.headers.get("link");
      next = link ? /^<([^>]+)>; rel="next"$/.exec(link)![1] : null;
      if (next) expect(reply.headers.get("x-next-cursor")).toBe(new URL(next, server.url).searchParams.get("cursor"));
      // Under /api, as every link the API gives, though the request was for the seed's path.
      if (next) expect(next).toMatch(/^\/api\//);
      pages++;
    }
    expect(pages).toBe(4);
    expect(seen).toEqual(newestFirst.map((r) => (path.startsWith("/orders") ? r.orderId : r.sagaId)));
  });

  it("answers the newest 20 orders for ?limit=20", async () => {
    const reply = await call(server.url, "GET", "/orders?limit=20");
    expect(reply.body.map((o: { id: string }) => o.id)).toEqual(newestFirst.slice(0, 20).map((r) => r.orderId));
  });

  it.each([
    ["/orders?limit=0", "limit", "greater_than_equal", "Input should be greater than or equal to 1"],
    ["/orders?limit=501", "limit", "less_than_equal", "Input should be less than or equal to 500"],
    ["/sagas?limit=ten", "limit", "int_parsing", "Input should be a valid integer, unable to parse string as an integer"],
    ["/orders?cursor=not-a-cursor", "cursor", "value_error", "Value error, not a cursor this list gave"],
    ["/sagas?limit=5&cursor=MTIz", "cursor", "value_error", "Value error, not a cursor this list gave"],
  ])("refuses %s with a 422 at the query parameter", async (path, name, type, msg) => {
    const reply = await call(server.url, "GET", path);
    expect(reply.status).toBe(422);
    expect(reply.body.detail).toEqual([expect.objectContaining({ loc: ["query", name], type, msg })]);
  });
});
