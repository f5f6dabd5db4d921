/** The Idempotency-Key header's validation errors, as a client of POST /orders sees them. */
import { afterAll, beforeAll, expect, it } from "vitest";
import { startServer, type TestServer } from "./server";
import { call } from "./http";

let server: TestServer;

beforeAll(async () => {
  server = await startServer();
});

afterAll(async () => {
  await server?.stop();
});

const order = { user_id: "user_1", product_id: "product_1", quantity: 1, amount: 10.0 };

it("an empty Idempotency-Key is a string too short (FastAPI's 422 for a header), and places no order", async () => {
  const reply = await call(server.url, "POST", "/orders", { json: order, headers: { "idempotency-key": "" } });
  expect(reply.status).toBe(422);
  expect(reply.body).toEqual({
    detail: [
      {
        type: "string_too_short",
        loc: ["header", "idempotency-key"],
        msg: "String should have at least 1 character",
        input: "",
        ctx: { min_length: 1 },
      },
    ],
  });
  const orders = await call(server.url, "GET", "/orders");
  expect(orders.body).toEqual([]);
});
