// Three replicas of the production server on one PostgreSQL database, with delays on: orders spread
// over all three, one replica SIGKILLed mid-flight and never restarted. Every order still ends
// (completed or failed: the others claim its sagas when their leases expire), stock and balances equal
// the seed minus the completed orders exactly, a dashboard stream on one replica shows sagas another
// ran, and an idempotency key sent to two replicas at once makes one order.
import { afterAll, beforeAll, expect, it } from "vitest";
import { startServer, tempDatabaseUrl, type TestServer } from "./server";

let replicas: TestServer[] = [];

beforeAll(async () => {
  const databaseUrl = tempDatabaseUrl();
  expect(databaseUrl).toMatch(/^postgresql:/);
  replicas = await Promise.all(
    [0, 1, 2].map((i) =>
      startServer({ databaseUrl, env: { SAGA_DELAY_SCALE: "1", SAGA_REPLICA_ID: `replica-${i}`, SAGA_LEASE_SECONDS: "2", LOG_LEVEL: "WARNING" } }),
    ),
  );
}, 120_000);
afterAll(async () => {
  await Promise.all(replicas.map((replica) => replica.stop("SIGKILL").catch(() => undefined)));
});

const completes = { user_id: "user_1", product_id: "product_1", quantity: 1, amount: 10 };
const shippingFails = { user_id: "user_3", product_id: "product_1", quantity: 1, amount: 5 };

async function post(replica: TestServer, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${replica.url}/api/orders`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
  return { status: response.status, body: await response.json() };
}

/** The dashboard stream of a replica: the saga ids of the events it sends, and how many resets. */
function watch(replica: TestServer) {
  const seen = new Set<string>();
  const resets = { count: 0 };
  const controller = new AbortController();
  void (async () => {
    const response = await fetch(`${replica.url}/api/events`, { signal: controller.signal });
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      const text = decoder.decode(value);
      for (const match of text.matchAll(/"saga_id":"([0-9a-f-]{36})"/g)) seen.add(match[1]);
      resets.count += text.split("event: reset").length - 1;
    }
  })().catch(() => undefined);
  return { seen, resets, stop: () => controller.abort() };
}

it("finishes every order though a replica dies mid-flight; stock, money and streams agree across replicas", { timeout: 120_000 }, async () => {
  const [a, b, c] = replicas;
  const stream = watch(a);
  await new Promise((resolve) => setTimeout(resolve, 300));

  // 24 orders, 8 on each replica, started without waiting (they run about half a second each).
  const placed = await Promise.all(
    Array.from({ length: 24 }, (_, i) => post(replicas[i % 3], i % 4 === 3 ? shippingFails : completes, { prefer: "respond-async" })),
  );
  for (const reply of placed) expect(reply.status).toBe(202);
  // One replica dies with sagas in flight, and stays dead.
  await new Promise((resolve) => setTimeout(resolve, 150));
  await c.stop("SIGKILL");

  let orders: { id: string; status: string; user_id: string; saga_id: string }[] = [];
  for (let i = 0; i < 150; i++) {
    orders = await (await fetch(`${a.url}/orders`)).json();
    if (orders.length === 24 && orders.every((order) => order.status === "completed" || order.status === "failed")) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  expect(orders).toHaveLength(24);
  expect(orders.filter((order) => order.status !== "completed" && order.status !== "failed")).toEqual([]);
  const completed = orders.filter((order) => order.status === "completed");
  expect(completed).toHaveLength(18);
  expect(orders.filter((order) => order.status === "failed")).toHaveLength(6);

  // Every unit and cent accounted for, whichever replica ran (or finished) each saga.
  for (const replica of [a, b]) {
    expect((await (await fetch(`${replica.url}/inventory`)).json()).inventory.product_1).toBe(100 - 18);
    const { balances } = await (await fetch(`${replica.url}/balances`)).json();
    expect(balances.user_1).toBe(1000 - 18 * 10);
    expect(balances.user_3).toBe(200);
  }

  // The stream on replica A showed sagas that replica B ran.
  const onB = placed.filter((_, i) => i % 3 === 1).map((reply) => reply.body.saga_id as string);
  const deadline = Date.now() + 3_000;
  while (!onB.every((id) => stream.seen.has(id)) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  expect(onB.filter((id) => !stream.seen.has(id))).toEqual([]);
  // And a reset made on B.
  expect(stream.resets.count).toBe(0);
  expect((await fetch(`${b.url}/reset`, { method: "POST" })).status).toBe(200);
  const resetDeadline = Date.now() + 2_000;
  while (stream.resets.count === 0 && Date.now() < resetDeadline) await new Promise((resolve) => setTimeout(resolve, 50));
  expect(stream.resets.count).toBe(1);
  stream.stop();

  // One Idempotency-Key, sent to two replicas at the same moment: one order.
  const key = `replicas-${Date.now()}`;
  const [first, second] = await Promise.all([a, b].map((replica) => post(replica, completes, { "idempotency-key": key })));
  expect([first.status, second.status].sort()).toEqual([201, 201]);
  expect(first.body.order_id).toBe(second.body.order_id);
  expect((await (await fetch(`${a.url}/inventory`)).json()).inventory.product_1).toBe(100 - 1);

  // /health and /metrics work the same on PostgreSQL: the stuck-saga gauge is read from the database.
  for (const replica of [a, b]) {
    expect((await fetch(`${replica.url}/health`)).status).toBe(200);
    const metrics = await (await fetch(`${replica.url}/metrics`)).text();
    expect(metrics).toMatch(/^sagas_stuck 0$/m);
    expect(metrics).toMatch(/^saga_started_total \d+$/m);
  }
});
