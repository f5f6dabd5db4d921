// The inventory, payment and shipping services through their HTTP handler (in process): what a caller
// sees (statuses, bodies, the replay header) and what each service's own data then says.
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { database } from "../db/client";
import { newWorldId } from "../world-id";
import { insertRows } from "../db/insert-rows";
import { KEY_REUSED, requestsTable } from "./idempotency";
import type { Tx } from "../db/types";
import { serveServices, WORLD_HEADER } from "./http";
import * as inventory from "./inventory";
import * as payment from "./payment";
import * as shipping from "./shipping";

/** A call of a service, as the orchestrator makes it: JSON, the world in its header, and a key on a write. */
async function call(method: "GET" | "POST" | "PUT", path: string, { world, key, body }: { world: string; key?: string; body?: unknown }) {
  const headers: Record<string, string> = { [WORLD_HEADER]: world, "content-type": "application/json" };
  if (key !== undefined) headers["idempotency-key"] = key;
  const request = new Request(`http://localhost/services/${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const response = await serveServices(request, path.split("/"));
  return {
    status: response.status,
    replayed: response.headers.get("idempotent-replayed"),
    allow: response.headers.get("allow"),
    body: (await response.json()) as any,
  };
}

const balance = async (world: string, account: string) =>
  (await call("GET", "payment/accounts", { world })).body.find((row: { account_id: string }) => row.account_id === account).balance_cents;
const available = async (world: string, product: string) =>
  (await call("GET", "inventory/stock", { world })).body.find((row: { product_id: string }) => row.product_id === product).available;

describe("payment", () => {
  it("charges once per key: a repeat answers the original, replayed, and moves no money", async () => {
    const world = newWorldId();
    const charge = { order_id: "order-1", account_id: "user_1", amount_cents: 2_500 };
    const first = await call("POST", "payment/charges", { world, key: "k-1", body: charge });
    expect(first).toMatchObject({ status: 201, replayed: "false", body: { ...charge, status: "charged" } });
    const again = await call("POST", "payment/charges", { world, key: "k-1", body: charge });
    expect(again).toMatchObject({ status: 201, replayed: "true", body: first.body });
    // Another key for the same order finds its charge: never a second one.
    expect(await call("POST", "payment/charges", { world, key: "k-2", body: charge })).toMatchObject({ status: 201, body: first.body });
    expect(await balance(world, "user_1")).toBe(100_000 - 2_500);
    expect((await call("GET", "payment/ledger", { world })).body).toMatchObject([
      { order_id: "order-1", kind: "charge", amount_cents: -2_500 },
    ]);
  });

  it("refuses the same key with another body, and changes nothing", async () => {
    const world = newWorldId();
    await call("POST", "payment/charges", { world, key: "k", body: { order_id: "o", account_id: "user_1", amount_cents: 100 } });
    const other = await call("POST", "payment/charges", {
      world,
      key: "k",
      body: { order_id: "o", account_id: "user_1", amount_cents: 999 },
    });
    expect(other).toMatchObject({ status: 422, body: { detail: KEY_REUSED } });
    expect(await balance(world, "user_1")).toBe(100_000 - 100);
  });

  it("refunds a charge once, and a refund with nothing charged answers nothing_to_undo", async () => {
    const world = newWorldId();
    await call("POST", "payment/charges", { world, key: "c", body: { order_id: "o", account_id: "user_2", amount_cents: 4_000 } });
    expect(await call("POST", "payment/refunds", { world, key: "r", body: { order_id: "o" } })).toMatchObject({
      status: 200,
      body: { status: "refunded" },
    });
    expect(await call("POST", "payment/refunds", { world, key: "r2", body: { order_id: "o" } })).toMatchObject({
      status: 200,
      body: { status: "refunded" },
    });
    expect(await balance(world, "user_2")).toBe(50_000);
    expect(
      (await call("GET", "payment/ledger", { world })).body.map((row: { kind: string; amount_cents: number }) => [
        row.kind,
        row.amount_cents,
      ]),
    ).toEqual([
      ["charge", -4_000],
      ["refund", 4_000],
    ]);
  });

  it("remembers a refund that came before its charge (the charge was lost or late): the late charge is refused", async () => {
    const world = newWorldId();
    expect(await call("POST", "payment/refunds", { world, key: "r", body: { order_id: "late" } })).toMatchObject({
      status: 200,
      body: { status: "nothing_to_undo" },
    });
    const late = await call("POST", "payment/charges", {
      world,
      key: "c",
      body: { order_id: "late", account_id: "user_1", amount_cents: 500 },
    });
    expect(late).toMatchObject({ status: 409, body: { detail: "The charge of order late was refunded before it arrived" } });
    expect(await balance(world, "user_1")).toBe(100_000);
    expect((await call("GET", "payment/ledger", { world })).body).toEqual([]);
  });

  it("answers a business failure with its reason, the same on a repeat", async () => {
    const world = newWorldId();
    const poor = { order_id: "big", account_id: "user_3", amount_cents: 20_001 };
    expect(await call("POST", "payment/charges", { world, key: "p", body: poor })).toMatchObject({
      status: 402,
      replayed: "false",
      body: { detail: "Insufficient funds" },
    });
    expect(await call("POST", "payment/charges", { world, key: "p", body: poor })).toMatchObject({ status: 402, replayed: "true" });
    const nobody = { order_id: "n", account_id: "user_9", amount_cents: 1 };
    expect(await call("POST", "payment/charges", { world, key: "n", body: nobody })).toMatchObject({
      status: 404,
      body: { detail: "User not found" },
    });
    expect(await balance(world, "user_3")).toBe(20_000);
  });

  it("charges once when the same request arrives many times at once (duplicate delivery)", async () => {
    const world = newWorldId();
    const body = { order_id: "dup", account_id: "user_1", amount_cents: 1_000 };
    const answers = await Promise.all(Array.from({ length: 12 }, () => call("POST", "payment/charges", { world, key: "same", body })));
    expect(new Set(answers.map((answer) => answer.status))).toEqual(new Set([201]));
    expect(answers.filter((answer) => answer.replayed === "false")).toHaveLength(1);
    expect(await balance(world, "user_1")).toBe(99_000);
  });
});

describe("inventory", () => {
  it("reserves and releases stock, once each, and refuses more than there is", async () => {
    const world = newWorldId();
    const reservation = { order_id: "o", product_id: "product_3", quantity: 20 };
    expect(await call("POST", "inventory/reservations", { world, key: "a", body: reservation })).toMatchObject({
      status: 201,
      body: { ...reservation, status: "reserved" },
    });
    expect(await available(world, "product_3")).toBe(5);
    const more = { order_id: "o2", product_id: "product_3", quantity: 6 };
    expect(await call("POST", "inventory/reservations", { world, key: "b", body: more })).toMatchObject({
      status: 409,
      body: { detail: "Insufficient inventory" },
    });
    expect(await call("POST", "inventory/reservations", { world, key: "c", body: { ...more, product_id: "product_9" } })).toMatchObject({
      status: 404,
    });
    expect(await call("POST", "inventory/releases", { world, key: "d", body: { order_id: "o" } })).toMatchObject({
      status: 200,
      body: { status: "released" },
    });
    expect(await call("POST", "inventory/releases", { world, key: "d", body: { order_id: "o" } })).toMatchObject({
      status: 200,
      replayed: "true",
    });
    expect(await available(world, "product_3")).toBe(25);
  });

  it("refuses a reservation that arrives after its release", async () => {
    const world = newWorldId();
    expect(await call("POST", "inventory/releases", { world, key: "r", body: { order_id: "late" } })).toMatchObject({
      body: { status: "nothing_to_undo" },
    });
    const late = await call("POST", "inventory/reservations", {
      world,
      key: "a",
      body: { order_id: "late", product_id: "product_1", quantity: 1 },
    });
    expect(late.status).toBe(409);
    expect(await available(world, "product_1")).toBe(100);
  });
});

describe("shipping", () => {
  it("ships to the user's address, refuses user_3 (no valid address), and cancels", async () => {
    const world = newWorldId();
    expect(await call("POST", "shipping/shipments", { world, key: "s", body: { order_id: "o", user_id: "user_1" } })).toMatchObject({
      status: 201,
      body: { order_id: "o", user_id: "user_1", address: "1 Analytical Way, London", status: "created" },
    });
    expect(await call("POST", "shipping/shipments", { world, key: "t", body: { order_id: "o3", user_id: "user_3" } })).toMatchObject({
      status: 409,
      body: { detail: "Shipping address invalid" },
    });
    expect(await call("POST", "shipping/cancellations", { world, key: "u", body: { order_id: "o" } })).toMatchObject({
      status: 200,
      body: { status: "cancelled" },
    });
    expect((await call("GET", "shipping/shipments", { world })).body).toMatchObject([{ order_id: "o", status: "cancelled" }]);
  });
});

describe("one order's action under other keys (a retry that lost its key, a second orchestrator)", () => {
  // Each service writes an order's row without looking for it first, and meets an earlier one at its
  // unique key: the request is then asked again, looking first. What a caller sees must not change.
  const actions = [
    {
      path: "payment/charges",
      // The second charge would find the balance too low: the earlier charge answers, not a refusal.
      body: { order_id: "big", account_id: "user_3", amount_cents: 15_000 },
      done: { status: "charged" },
      left: async (world: string) => balance(world, "user_3"),
      after: 5_000,
    },
    {
      path: "inventory/reservations",
      body: { order_id: "big", product_id: "product_3", quantity: 20 },
      done: { status: "reserved" },
      left: async (world: string) => available(world, "product_3"),
      after: 5,
    },
    {
      path: "shipping/shipments",
      body: { order_id: "big", user_id: "user_1" },
      done: { status: "created" },
      left: async (world: string) => (await call("GET", "shipping/shipments", { world })).body.length,
      after: 1,
    },
  ];

  for (const { path, body, done, left, after } of actions) {
    it(`${path}: answers the order's first outcome to a later key, and to many keys at once, doing it once`, async () => {
      const world = newWorldId();
      const first = await call("POST", path, { world, key: "k-1", body });
      expect(first).toMatchObject({ status: 201, replayed: "false", body: { ...body, ...done } });
      expect(await call("POST", path, { world, key: "k-2", body })).toMatchObject({ status: 201, replayed: "false", body: first.body });
      expect(await left(world)).toBe(after);

      const other = newWorldId();
      const answers = await Promise.all(
        Array.from({ length: 8 }, (_, i) => call("POST", path, { world: other, key: `at-once-${i}`, body })),
      );
      expect(answers.map((answer) => answer.status)).toEqual(Array(8).fill(201));
      expect(new Set(answers.map((answer) => JSON.stringify(answer.body)))).toEqual(new Set([JSON.stringify(first.body)]));
      expect(await left(other)).toBe(after);
    });
  }
});

it("writes each field of a service's rows to the column schema.prisma maps (one INSERT each, read back through the model)", async () => {
  const db = await database();
  const worldId = newWorldId();
  const at = new Date("2026-12-07T10:00:00.125Z");
  const later = new Date("2026-12-07T10:00:01.250Z");
  // Every field with a value of its own, so that two columns swapped would show.
  const reservation = { worldId, orderId: "o-1", productId: "p-1", quantity: 3, status: "reserved", createdAt: at, updatedAt: later };
  const charge = { worldId, orderId: "o-1", accountId: "a-1", amountCents: 250, status: "charged", createdAt: at, updatedAt: later };
  const entry = { worldId, orderId: "o-1", accountId: "a-1", kind: "charge", amountCents: -250, createdAt: at };
  const shipment = { worldId, orderId: "o-1", userId: "u-1", address: "1 Way", status: "created", createdAt: at, updatedAt: later };
  const request = (key: string) => ({ worldId, key, requestHash: `hash-${key}`, status: 201, body: `{"key":"${key}"}`, createdAt: at });
  await db.write(async (tx) => {
    await insertRows(tx, inventory.reservationsTable, [reservation]);
    await insertRows(tx, payment.chargesTable, [charge]);
    await insertRows(tx, payment.ledgerTable, [entry]);
    await insertRows(tx, shipping.shipmentsTable, [shipment]);
    await insertRows(tx, requestsTable("inventory_service_requests"), [request("i")]);
    await insertRows(tx, requestsTable("payment_service_requests"), [request("p")]);
    await insertRows(tx, requestsTable("shipping_service_requests"), [request("s")]);
  });
  const order = { worldId_orderId: { worldId, orderId: "o-1" } };
  expect(await db.read.inventoryServiceReservation.findUnique({ where: order })).toEqual(reservation);
  expect(await db.read.paymentServiceCharge.findUnique({ where: order })).toEqual(charge);
  expect(await db.read.paymentServiceLedgerEntry.findFirst({ where: { worldId }, omit: { id: true } })).toEqual(entry);
  expect(await db.read.shippingServiceShipment.findUnique({ where: order })).toEqual(shipment);
  expect(await db.read.inventoryServiceRequest.findUnique({ where: { worldId_key: { worldId, key: "i" } } })).toEqual(request("i"));
  expect(await db.read.paymentServiceRequest.findUnique({ where: { worldId_key: { worldId, key: "p" } } })).toEqual(request("p"));
  expect(await db.read.shippingServiceRequest.findUnique({ where: { worldId_key: { worldId, key: "s" } } })).toEqual(request("s"));
});

describe("the services' HTTP contract", () => {
  it("requires an Idempotency-Key on every write, in FastAPI's shape", async () => {
    const answer = await call("POST", "payment/charges", {
      world: "default",
      body: { order_id: "o", account_id: "user_1", amount_cents: 1 },
    });
    expect(answer.status).toBe(422);
    expect(answer.body.detail[0]).toMatchObject({ loc: ["header", "idempotency-key"] });
  });

  it("refuses a body that does not fit, a world that is not one, an unknown path and another method", async () => {
    const world = newWorldId();
    const bad = await call("POST", "inventory/reservations", {
      world,
      key: "k",
      body: { order_id: "o", product_id: "product_1", quantity: 0 },
    });
    expect(bad.status).toBe(422);
    expect(bad.body.detail[0]).toMatchObject({ loc: ["body", "quantity"] });
    expect((await call("GET", "inventory/stock", { world: "no world!" })).status).toBe(422);
    expect((await call("GET", "inventory/nothing", { world })).status).toBe(404);
    expect((await call("GET", "billing/accounts", { world })).status).toBe(404);
    expect(await call("PUT", "payment/charges", { world })).toMatchObject({ status: 405, allow: "POST" });
  });

  it("keeps each world's data apart, and a reset puts one world back as seeded", async () => {
    const [one, two] = [newWorldId(), newWorldId()];
    await call("POST", "payment/charges", {
      world: one,
      key: randomUUID(),
      body: { order_id: "o", account_id: "user_1", amount_cents: 700 },
    });
    expect(await balance(one, "user_1")).toBe(99_300);
    expect(await balance(two, "user_1")).toBe(100_000);
    expect((await call("POST", "payment/reset", { world: one })).status).toBe(200);
    expect(await balance(one, "user_1")).toBe(100_000);
    expect((await call("GET", "payment/ledger", { world: one })).body).toEqual([]);
  });
});

describe("reads", () => {
  it("a world's first read seeds it in a write; the next reads take no write transaction, and see every write since", async () => {
    const db = await database();
    const world = newWorldId();
    const before = db.stats.transactions;
    expect(await available(world, "product_1")).toBe(100);
    expect(db.stats.transactions - before).toBe(1);
    const seeded = db.stats.transactions;
    expect(await available(world, "product_1")).toBe(100);
    expect((await call("GET", "payment/accounts", { world })).status).toBe(200);
    expect(db.stats.transactions).toBe(seeded + 1); // the payment service's first read of the world seeds it
    const reserved = await call("POST", "inventory/reservations", {
      world,
      key: "r-1",
      body: { order_id: "order-r", product_id: "product_1", quantity: 3 },
    });
    expect(reserved.status).toBe(201);
    const written = db.stats.transactions;
    expect(await available(world, "product_1")).toBe(97);
    expect(db.stats.transactions).toBe(written);
  });

  it("a world's first reads and resets, many at once, all answer (on PostgreSQL their seeds race for the same keys)", async () => {
    const world = newWorldId();
    const reads = await Promise.all(
      ["inventory/stock", "payment/accounts", "shipping/shipments"].flatMap((path) =>
        Array.from({ length: 4 }, () => call("GET", path, { world })),
      ),
    );
    expect(reads.map((read) => read.status)).toEqual(Array(12).fill(200));
    expect(await available(world, "product_1")).toBe(100);
    const other = newWorldId();
    const resets = await Promise.all(Array.from({ length: 4 }, () => call("POST", "payment/reset", { world: other })));
    expect(resets.map((reset) => reset.status)).toEqual(Array(4).fill(200));
    expect(await balance(other, "user_1")).toBe(100_000);
    // And a world's first writes: each reserves its own, once.
    const third = newWorldId();
    const reservations = await Promise.all(
      Array.from({ length: 4 }, (_, n) =>
        call("POST", "inventory/reservations", {
          world: third,
          key: `r-${n}`,
          body: { order_id: `o-${n}`, product_id: "product_1", quantity: 1 },
        }),
      ),
    );
    expect(reservations.map((reservation) => reservation.status)).toEqual(Array(4).fill(201));
    expect(await available(third, "product_1")).toBe(96);
  });

  it("a world first seen through the ledger or the shipments has its accounts and addresses for the writes after", async () => {
    const world = newWorldId();
    expect(await call("GET", "payment/ledger", { world })).toMatchObject({ status: 200, body: [] });
    expect(await call("GET", "shipping/shipments", { world })).toMatchObject({ status: 200, body: [] });
    const charge = { order_id: "order-l", account_id: "user_1", amount_cents: 1_000 };
    expect(await call("POST", "payment/charges", { world, key: "c-l", body: charge })).toMatchObject({ status: 201 });
    expect(await balance(world, "user_1")).toBe(99_000);
    const shipment = await call("POST", "shipping/shipments", { world, key: "s-l", body: { order_id: "order-l", user_id: "user_1" } });
    expect(shipment.status).toBe(201);
  });

  it("an order's payment record agrees with itself when its refund commits while it is read", async () => {
    const db = await database();
    const world = newWorldId();
    const charge = { order_id: "order-s", account_id: "user_1", amount_cents: 500 };
    expect(await call("POST", "payment/charges", { world, key: "c-s", body: charge })).toMatchObject({ status: 201 });
    // The refund commits after the record's read of the charge, before its read of the ledger: the
    // reads go through a reader that lets it in at that moment.
    let refunded = false;
    const reader = new Proxy(db.read, {
      get(target, key) {
        if (key !== "paymentServiceLedgerEntry") return Reflect.get(target, key);
        return {
          findMany: async (args: Parameters<typeof target.paymentServiceLedgerEntry.findMany>[0]) => {
            if (!refunded) {
              refunded = true;
              expect(await call("POST", "payment/refunds", { world, key: "r-s", body: { order_id: "order-s" } })).toMatchObject({
                status: 200,
                body: { status: "refunded" },
              });
            }
            return target.paymentServiceLedgerEntry.findMany(args);
          },
        };
      },
    });
    const record = await payment.orderRecord(reader as unknown as Tx, world, "order-s");
    expect(refunded).toBe(true);
    expect(record).toMatchObject({
      status: "refunded",
      movements: [
        { kind: "charge", account: "user_1", delta: -500, undoes: false },
        { kind: "refund", account: "user_1", delta: 500, undoes: true },
      ],
    });
  });
});
