// Idempotent POST /orders, and a graceful SIGTERM: what a client retrying, or an operator restarting
// the server, can rely on.
import { afterEach, describe, expect, it } from "vitest";
import { startServer, tempDatabaseUrl, type TestServer } from "./server";
import { until, within } from "./wait";

let server: TestServer | undefined;
afterEach(async () => {
  await server?.stop("SIGKILL");
  server = undefined;
});

const happy = { user_id: "user_1", product_id: "product_1", quantity: 2, amount: 100 };

function post(body: unknown, headers: Record<string, string> = {}) {
  return fetch(`${server!.url}/orders`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
}

async function state() {
  const [orders, inventory, balances] = await Promise.all(
    ["/orders", "/inventory", "/balances"].map(async (path) => (await fetch(`${server!.url}${path}`)).json()),
  );
  return { orders, inventory: inventory.inventory, balances: balances.balances };
}

describe("Idempotency-Key", () => {
  it("answers a repeat with the same order and saga, and creates nothing more", async () => {
    server = await startServer();
    const first = await post(happy, { "idempotency-key": "order-42" });
    const second = await post({ amount: 100, quantity: 2, product_id: "product_1", user_id: "user_1" }, { "idempotency-key": "order-42" });
    expect([first.status, second.status]).toEqual([201, 201]);
    expect(first.headers.get("idempotent-replayed")).toBe("false");
    expect(second.headers.get("idempotent-replayed")).toBe("true");
    const [a, b] = [await first.json(), await second.json()];
    expect(b).toEqual(a);
    const after = await state();
    expect(after.orders).toHaveLength(1);
    expect(after.inventory.product_1).toBe(98);
    expect(after.balances.user_1).toBe(900);
  });

  it("creates one order when the same request arrives many times at once", async () => {
    server = await startServer({ env: { SAGA_DELAY_SCALE: "0.5" } });
    const responses = await Promise.all(Array.from({ length: 12 }, () => post(happy, { "idempotency-key": "burst" })));
    expect(responses.map((r) => r.status)).toEqual(Array(12).fill(201));
    const bodies = await Promise.all(responses.map((r) => r.json()));
    expect(new Set(bodies.map((b) => b.order_id)).size).toBe(1);
    expect(bodies.every((b) => b.status === "completed")).toBe(true);
    const after = await state();
    expect(after.orders).toHaveLength(1);
    expect(after.inventory.product_1).toBe(98);
  });

  it("refuses the same key with another body, and writes nothing", async () => {
    server = await startServer();
    await post(happy, { "idempotency-key": "k1" });
    const before = await state();
    const response = await post({ ...happy, quantity: 3 }, { "idempotency-key": "k1" });
    expect(response.status).toBe(422);
    expect(await response.json()).toEqual({ detail: "This Idempotency-Key was already used with a different request body" });
    expect(await state()).toEqual(before);
  });

  it("works with respond-async, and a key can be reused after a reset", async () => {
    server = await startServer();
    const headers = { "idempotency-key": "async-1", prefer: "respond-async" };
    const [a, b] = await Promise.all([post(happy, headers), post(happy, headers)]);
    expect([a.status, b.status]).toEqual([202, 202]);
    expect((await a.json()).saga_id).toBe((await b.json()).saga_id);
    await fetch(`${server.url}/reset`, { method: "POST" });
    expect((await post({ ...happy, quantity: 5 }, { "idempotency-key": "async-1" })).status).toBe(201);
  });

  it("rejects a malformed key with a 422 on the header", async () => {
    server = await startServer();
    for (const key of ["has space", "x".repeat(256), "naïve"]) {
      const response = await post(happy, { "idempotency-key": encodeURI(key) === key ? key : key });
      if (key === "naïve") continue; // fetch refuses non-ASCII header values itself
      expect(response.status).toBe(422);
      expect((await response.json()).detail[0].loc).toEqual(["header", "idempotency-key"]);
    }
    expect((await state()).orders).toEqual([]);
  });

  it("without the header, each request is its own order, as in the seed", async () => {
    server = await startServer();
    await post(happy);
    await post(happy);
    expect((await state()).orders).toHaveLength(2);
  });
});

describe("SIGTERM", () => {
  it("stops at a persisted point, without waiting for the step under way, and exits; the next start finishes the saga", async () => {
    const databaseUrl = tempDatabaseUrl();
    // The first step's simulated work takes some 17 minutes: a shutdown that waited for the step, or
    // for the saga, would not end within the test.
    server = await startServer({ databaseUrl, env: { SAGA_DELAY_SCALE: "10000" } });
    const accepted = await (
      await post({ user_id: "user_3", product_id: "product_1", quantity: 1, amount: 50 }, { prefer: "respond-async" })
    ).json();
    await until("the saga's first step to be under way", () =>
      server!
        .output()
        .split("\n")
        .some((line) => line.includes("Executing step validate_order") && line.includes(accepted.saga_id)),
    );
    await within("the server to exit after SIGTERM", server.stop("SIGTERM"));
    expect(server.output()).toContain(`Saga ${accepted.saga_id} paused for shutdown`);

    server = await startServer({ databaseUrl });
    const saga = await until("the next start to finish the saga", async () => {
      const now = await (await fetch(`${server!.url}/sagas/${accepted.saga_id}`)).json();
      return ["completed", "failed"].includes(now.status) && now;
    });
    expect(saga.status).toBe("failed"); // user_3 cannot be shipped to: everything is undone
    // The attempt that SIGTERM cut short left nothing behind but its write-ahead record: the next start
    // made it again from there.
    const { events } = await (await fetch(`${server.url}/api/sagas/${accepted.saga_id}/events`)).json();
    const validation = events
      .filter((e: { step: string | null }) => e.step === "validate_order")
      .map((e: { outcome: string }) => e.outcome);
    expect(validation.slice(0, 3)).toEqual(["running", "running", "completed"]);
    const after = await state();
    expect(after.inventory.product_1).toBe(100);
    expect(after.balances.user_3).toBe(200);
  });
});
