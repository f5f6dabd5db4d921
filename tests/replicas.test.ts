// Three replicas on one PostgreSQL database, started as the README's "Beyond one machine" tells a user
// to (`DATABASE_URL=postgresql://… SAGA_REPLICA_ID=… PORT=… npm start`), with delays on:
// - one replica paused (SIGSTOP) past its lease while it runs sagas, then thawed once the others have
//   finished them: it stops them without a write, and no unit or cent moves twice;
// - one replica SIGKILLed with sagas in flight and never restarted: the others finish them (their logs
//   say so), stock and balances equal the seed minus the completed orders exactly, a dashboard stream on
//   one replica shows sagas another ran, and an idempotency key sent to two replicas at once makes one order.
// @ts-expect-error: a plain ES module shared with the bench
import { postgresBinaries } from "../scripts/postgres.mjs";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from "vitest";
import { startServer, tempDatabaseUrl, type TestServer } from "./server";

const root = path.resolve(import.meta.dirname, "..");
const replicas: TestServer[] = [];
let databaseUrl = "";

/** Asks PostgreSQL itself, with psql: the answer's one value. */
const psql = (query: string) =>
  execFileSync(path.join(postgresBinaries(), "psql"), [databaseUrl, "-tAc", query], { encoding: "utf8" }).trim();

beforeAll(async () => {
  databaseUrl = tempDatabaseUrl();
  expect(databaseUrl).toMatch(/^postgresql:/);
  // One at a time: the first migrates and seeds, and three `npm start`s at once on two busy cores are slow.
  for (const i of [0, 1, 2]) {
    replicas.push(
      await startServer({
        databaseUrl,
        launch: "npm start",
        env: { SAGA_DELAY_SCALE: "1", SAGA_REPLICA_ID: `replica-${i}`, SAGA_LEASE_SECONDS: "2", LOG_LEVEL: "INFO" },
      }),
    );
  }
}, 240_000);
// Each test starts from the seed, whatever the one before it left.
beforeEach(async () => {
  expect((await fetch(`${replicas[0].url}/reset`, { method: "POST" })).status).toBe(200);
});
// A test that failed with B paused leaves it thawed for the next.
afterEach(() => {
  for (const replica of replicas) {
    try {
      replica.resume();
    } catch {
      // killed
    }
  }
});
afterAll(async () => {
  await Promise.all(replicas.map((replica) => replica.stop("SIGKILL").catch(() => undefined)));
});

const completes = { user_id: "user_1", product_id: "product_1", quantity: 1, amount: 10 };
const shippingFails = { user_id: "user_3", product_id: "product_1", quantity: 1, amount: 5 };
type Order = { id: string; status: string; user_id: string; saga_id: string };
const ended = (order: Order) => order.status === "completed" || order.status === "failed";

async function post(replica: TestServer, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${replica.url}/api/orders`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

async function orders(replica: TestServer): Promise<Order[]> {
  return (await fetch(`${replica.url}/orders`)).json();
}

/** Polls until `done` holds (the deadline only fails the test). */
async function until<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) {
      const seen =
        Array.isArray(value) && value.every((item) => item && typeof item === "object" && "status" in item)
          ? (value as Order[])
              .filter((order) => !ended(order))
              .map((order) => `${order.saga_id} ${order.status}`)
              .concat(`${value.length} orders`)
          : value;
      throw new Error(`${what}: not within ${ms} ms; last seen ${JSON.stringify(seen).slice(0, 2_000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The log line with which a replica ended a saga. */
const endedBy = (replica: TestServer, sagaId: string) =>
  replica.output().includes(`Saga ${sagaId} completed successfully`) ||
  replica.output().includes(`Saga ${sagaId} failed: compensation complete`);

/** Stock and balances equal the seed minus what the completed orders took, on every replica given. */
async function expectConserved(on: TestServer[]) {
  const all = await orders(on[0]);
  const kept = all.filter((order) => order.status === "completed");
  const units = kept.length; // every order here is one unit of product_1
  const user1 = kept.filter((order) => order.user_id === "user_1").length * 10;
  for (const replica of on) {
    expect((await (await fetch(`${replica.url}/inventory`)).json()).inventory.product_1).toBe(100 - units);
    const { balances } = await (await fetch(`${replica.url}/balances`)).json();
    expect(balances.user_1).toBe(1000 - user1);
    // user_3's orders all fail at shipping: each charge was refunded, exactly once.
    expect(balances.user_3).toBe(200);
  }
  return { all, kept };
}

/** Each step's action and compensation completed at most once per saga, as its event log shows. */
async function expectNothingTwice(replica: TestServer, sagaIds: string[]) {
  for (const sagaId of sagaIds) {
    const { events } = await (await fetch(`${replica.url}/sagas/${sagaId}/events`)).json();
    const done = (events as { phase: string; step: string | null; outcome: string }[])
      .filter(
        (event) =>
          (event.phase === "action" && event.outcome === "completed") ||
          (event.phase === "compensation" && event.outcome === "compensated"),
      )
      .map((event) => `${event.phase}:${event.step}`);
    expect(done, sagaId).toEqual([...new Set(done)]);
  }
}

/** The dashboard stream of a replica: the saga ids of the events it sends, and how many resets. */
function watch(replica: TestServer) {
  const seen = new Set<string>();
  const resets = { count: 0 };
  const controller = new AbortController();
  let connected: () => void = () => undefined;
  const open = new Promise<void>((resolve) => (connected = resolve));
  void (async () => {
    const response = await fetch(`${replica.url}/api/events`, { signal: controller.signal });
    connected();
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
  return { seen, resets, open, stop: () => controller.abort() };
}

it("`npm start` with a PostgreSQL URL puts the tables in PostgreSQL, not in a SQLite file named after the URL", async () => {
  // Each replica sees the others' orders: one database.
  const placed = await post(replicas[0], completes);
  expect(placed.status).toBe(201);
  for (const replica of replicas) expect((await orders(replica)).map((order) => order.id)).toContain(placed.body.order_id);
  expect(psql(`SELECT count(*) FROM orders WHERE id = '${placed.body.order_id}'`)).toBe("1");
  expect(fs.existsSync(path.join(root, "postgresql:"))).toBe(false);
});

it("a step-by-step saga continued on another replica goes on where it runs, within a poll", async () => {
  const [a, b] = replicas;
  const placed = await post(a, { ...shippingFails, simulation: { step_by_step: true } });
  expect(placed.status).toBe(202);
  const sagaId = placed.body.saga_id as string;
  const saga = async (replica: TestServer) => (await fetch(`${replica.url}/sagas/${sagaId}`)).json();
  await until(
    "A to wait before validate_order",
    () => saga(a),
    (now) => now.waiting?.before === "validate_order",
  );
  // The continue reaches B; A holds the saga (its lease) and is the one that moves it.
  const continued = await fetch(`${b.url}/sagas/${sagaId}/continue`, { method: "POST" });
  expect(continued.status).toBe(200);
  expect((await continued.json()).waiting?.before).not.toBe("validate_order");
  const paused = await until(
    "the saga to wait before reserve_inventory",
    () => saga(b),
    (now) => now.waiting?.before === "reserve_inventory",
  );
  expect(paused.steps[0].status).toBe("completed");
  expect(a.output()).toContain(`Saga ${sagaId} waits before reserve_inventory`);
  expect(b.output()).not.toContain(`Saga ${sagaId} waits before`);
});

it("a replica paused past its lease stops the sagas the others took over, and nothing moves twice", { timeout: 180_000 }, async () => {
  const [a, b, c] = replicas;
  // 12 orders on B, started without waiting (they run about half a second each, delays on).
  const placed = await Promise.all(
    Array.from({ length: 12 }, (_, i) => post(b, i % 4 === 3 ? shippingFails : completes, { prefer: "respond-async" })),
  );
  for (const reply of placed) expect(reply.status).toBe(202);
  // B freezes as a long GC pause or a stalled VM would. What it was running stays in flight in the database.
  b.pause();
  const frozen = (await orders(a)).filter((order) => !ended(order)).map((order) => order.saga_id);
  expect(frozen.length, "B had sagas in flight when it froze").toBeGreaterThan(0);

  // Once B's leases expire, A and C take its sagas and finish them.
  await until(
    "A and C finish B's sagas",
    () => orders(a),
    (all) => all.length === 12 && all.every(ended),
  );
  expect(frozen.filter((sagaId) => !endedBy(a, sagaId) && !endedBy(c, sagaId))).toEqual([]);

  // B thaws, its steps' waits and its heartbeats overdue: it finds each lease gone and stops, writing nothing
  // (by its heartbeat or by the guard on its next commit, whichever comes first: that the heartbeat
  // stops a run at once, before its next commit, is lib/saga/lease-loss.test.ts's to show).
  b.resume();
  const stopped = (sagaId: string) =>
    new RegExp(`Saga ${sagaId}: this replica lost its lease|Saga ${sagaId} was removed while running`).test(b.output());
  await until(
    "B stops each saga it lost",
    async () => frozen.filter((sagaId) => !stopped(sagaId)),
    (left) => left.length === 0,
  ).catch((error: Error) => {
    // What B said about the sagas it did not stop, to tell why.
    const said = b
      .output()
      .split("\n")
      .filter((line) => frozen.some((sagaId) => !stopped(sagaId) && line.includes(sagaId)));
    throw new Error(`${error.message}\nB's lines about them:\n${said.join("\n")}`);
  });
  expect(frozen.filter((sagaId) => endedBy(b, sagaId))).toEqual([]);
  const { all, kept } = await expectConserved([a, b, c]);
  expect(kept).toHaveLength(9);
  await expectNothingTwice(
    a,
    all.map((order) => order.saga_id),
  );
  expect((await fetch(`${b.url}/health`)).status).toBe(200);
});

it(
  "finishes every order though a replica dies mid-flight; stock, money and streams agree across replicas",
  { timeout: 180_000 },
  async () => {
    const [a, b, c] = replicas;
    const stream = watch(a);
    await stream.open;

    // 24 orders, 8 on each replica, started without waiting (they run about half a second each).
    const placed = await Promise.all(
      Array.from({ length: 24 }, (_, i) => post(replicas[i % 3], i % 4 === 3 ? shippingFails : completes, { prefer: "respond-async" })),
    );
    for (const reply of placed) expect(reply.status).toBe(202);
    // One replica dies with sagas in flight, and stays dead.
    const onC = placed.filter((_, i) => i % 3 === 2).map((reply) => reply.body.saga_id as string);
    await c.stop("SIGKILL");
    const inFlightOnC = (await orders(a)).filter((order) => onC.includes(order.saga_id) && !ended(order)).map((order) => order.saga_id);
    expect(inFlightOnC.length, "C had sagas in flight when it died").toBeGreaterThan(0);

    const all = await until(
      "every order ends",
      () => orders(a),
      (list) => list.length === 24 && list.every(ended),
    );
    expect(all.filter((order) => order.status === "completed")).toHaveLength(18);
    expect(all.filter((order) => order.status === "failed")).toHaveLength(6);
    // The sagas C left were taken over, and finished, by A or B.
    expect(inFlightOnC.filter((sagaId) => !endedBy(a, sagaId) && !endedBy(b, sagaId))).toEqual([]);

    // Every unit and cent accounted for, whichever replica ran (or finished) each saga.
    await expectConserved([a, b]);
    await expectNothingTwice(
      a,
      all.map((order) => order.saga_id),
    );

    // The stream on replica A showed sagas that replica B ran.
    const onB = placed.filter((_, i) => i % 3 === 1).map((reply) => reply.body.saga_id as string);
    await until(
      "A's stream shows B's sagas",
      async () => onB.filter((id) => !stream.seen.has(id)),
      (left) => left.length === 0,
      10_000,
    );
    // And a reset made on B.
    expect(stream.resets.count).toBe(0);
    expect((await fetch(`${b.url}/reset`, { method: "POST" })).status).toBe(200);
    await until(
      "A's stream shows B's reset",
      async () => stream.resets.count,
      (count) => count === 1,
      10_000,
    );
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
  },
);
