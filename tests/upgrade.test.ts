// A database written by the app before the services (its steps wrote stock, money and shipments in the
// orchestrator's own tables) opens under this one, and the sagas it left in flight finish: the
// migrations move what each order's steps did into the services' tables, and each service, asked again
// with the step's key, finds the order it already has. Built here as that app left it: its migrations
// applied as it applied them, and its rows as it wrote them.
import Database from "better-sqlite3";
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { applyMigrations } from "../lib/db/migrate-sqlite";
import { orderSaga } from "../lib/orders/order-saga";
import { definitionVersion } from "../lib/saga/registry";
import { startServer, type TestServer } from "./server";
import { until } from "./wait";

const migrations = path.resolve(import.meta.dirname, "..", "prisma", "migrations");
// The first migration of the services: everything before it is the app the database comes from.
const FIRST_OF_THE_SERVICES = "20261207000000_services";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "saga-studio-upgrade-"));
const file = path.join(dir, "before-the-services.db");
const at = (minutes: number) => new Date(Date.UTC(2026, 11, 5, 10, minutes)).toISOString().replace("Z", "+00:00");

// Order A stopped mid-payment (reserved, its charge's attempt begun); order B was compensating after its
// shipment failed (reserved, charged, the refund's attempt begun).
const a = { order: randomUUID(), saga: randomUUID() };
const b = { order: randomUUID(), saga: randomUUID() };

function databaseBeforeTheServices(): void {
  const old = path.join(dir, "migrations");
  fs.mkdirSync(old);
  for (const name of fs.readdirSync(migrations)) {
    if (name < FIRST_OF_THE_SERVICES || name === "migration_lock.toml")
      fs.cpSync(path.join(migrations, name), path.join(old, name), { recursive: true });
  }
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  applyMigrations(db, old);
  const version = definitionVersion(orderSaga);
  const insert = (table: string, row: Record<string, unknown>) =>
    db
      .prepare(
        `INSERT INTO "${table}" (${Object.keys(row)
          .map((c) => `"${c}"`)
          .join(", ")}) VALUES (${Object.keys(row)
          .map(() => "?")
          .join(", ")})`,
      )
      .run(...Object.values(row));
  db.transaction(() => {
    // (The migrations made the shared world.)
    db.prepare(`UPDATE "worlds" SET "order_count" = 2 WHERE "id" = 'default'`).run();
    // 100 units, less A's 2 and B's 1; user_1's $1,000 untouched; user_3's $500 less B's $50; user_3 has no address.
    insert("products", { world_id: "default", id: "product_1", name: "Widget", stock: 97, updated_at: at(5) });
    insert("accounts", {
      world_id: "default",
      id: "user_1",
      name: "Ada",
      balance_cents: 100_000,
      shipping_address: "1 Analytical Way",
      updated_at: at(0),
    });
    insert("accounts", {
      world_id: "default",
      id: "user_3",
      name: "Charles",
      balance_cents: 45_000,
      shipping_address: null,
      updated_at: at(5),
    });
    const orders = [
      { ...a, seq: 1, user: "user_1", quantity: 2, cents: 10_000, status: "processing" },
      { ...b, seq: 2, user: "user_3", quantity: 1, cents: 5_000, status: "compensating" },
    ];
    for (const o of orders) {
      insert("orders", {
        seq: o.seq,
        id: o.order,
        world_id: "default",
        user_id: o.user,
        product_id: "product_1",
        quantity: o.quantity,
        amount_cents: o.cents,
        status: o.status,
        saga_id: o.saga,
        created_at: at(o.seq),
        updated_at: at(5),
      });
      insert("sagas", {
        id: o.saga,
        definition: "order",
        subject_type: "order",
        subject_id: o.order,
        status: o.status,
        error: o.status === "compensating" ? "Shipping address invalid" : null,
        options: "{}",
        created_at: at(o.seq),
        updated_at: at(5),
        scope: "default",
        definition_version: version,
      });
      insert("inventory_reservations", {
        order_id: o.order,
        product_id: "product_1",
        quantity: o.quantity,
        status: "reserved",
        reserved_at: at(2),
      });
      insert("saga_events", { saga_id: o.saga, phase: "saga", outcome: "pending", created_at: at(o.seq) });
      insert("saga_events", { saga_id: o.saga, phase: "saga", outcome: "processing", created_at: at(o.seq) });
    }
    const steps = (saga: string, statuses: [string, number, number][]) =>
      orderSaga.steps.forEach((step, position) =>
        insert("saga_steps", {
          saga_id: saga,
          position,
          name: step.name,
          compensation_name: step.compensation,
          status: statuses[position][0],
          attempts: statuses[position][1],
          compensation_attempts: statuses[position][2],
          error: statuses[position][0] === "failed" ? "Shipping address invalid" : null,
        }),
      );
    steps(a.saga, [
      ["completed", 1, 0],
      ["completed", 1, 0],
      ["running", 1, 0],
      ["pending", 0, 0],
    ]);
    steps(b.saga, [
      ["completed", 1, 0],
      ["completed", 1, 0],
      ["compensating", 1, 1],
      ["failed", 1, 0],
    ]);
    insert("payments", { order_id: b.order, user_id: "user_3", amount_cents: 5_000, status: "charged", charged_at: at(3) });
  })();
  db.close();
}

let server: TestServer;
beforeAll(async () => {
  databaseBeforeTheServices();
  server = await startServer({ databaseUrl: `file:${file}` });
});
afterAll(async () => {
  await server?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

const get = async (p: string) => (await fetch(`${server.url}${p}`)).json();

it("opens a database written before the services, and finishes the sagas it left in flight, nothing twice", async () => {
  const ended = (saga: string) =>
    until(`saga ${saga} to end`, async () => {
      const now = await get(`/sagas/${saga}`);
      return !["pending", "processing", "compensating"].includes(now.status) && now;
    });
  // A goes on with its payment and its shipment; B's refund and release run, and it fails as it was going to.
  expect((await ended(a.saga)).status).toBe("completed");
  expect((await ended(b.saga)).status).toBe("failed");
  expect((await get(`/orders/${a.order}`)).status).toBe("completed");
  // A's 2 units stay reserved (its reservation is not made again), B's unit is back.
  expect((await get("/inventory")).inventory.product_1).toBe(98);
  // A charged once, now; B's charge, made before the upgrade, refunded.
  expect((await get("/balances")).balances).toMatchObject({ user_1: 900, user_3: 500 });
  const ledger = (await get("/services/payment/ledger")) as { order_id: string; kind: string; amount_cents: number }[];
  const entries = ledger.map((entry) => [entry.order_id, entry.kind, entry.amount_cents]);
  // B's charge was migrated first; A's charge and B's refund came after, in whichever order the two resumed sagas got there.
  expect(entries[0]).toEqual([b.order, "charge", -5_000]);
  expect(entries.slice(1)).toHaveLength(2);
  expect(entries.slice(1)).toEqual(
    expect.arrayContaining([
      [a.order, "charge", -10_000],
      [b.order, "refund", 5_000],
    ]),
  );
  const shipments = (await get("/services/shipping/shipments")) as { order_id: string; status: string }[];
  expect(shipments.map((shipment) => [shipment.order_id, shipment.status])).toEqual([[a.order, "created"]]);
});
