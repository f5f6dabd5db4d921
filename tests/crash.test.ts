// The durability promise, done for real: the production server with delays on, many concurrent orders
// of every kind, SIGKILL at random moments several times, a restart on the same file each time; then
// every saga is terminal and stock and balances, in the services' own data, equal the seed plus the
// ledger, exactly. The database is read with its own driver directly (better-sqlite3, or node-postgres):
// an observer independent of the data layer under test. On SQLite the services' data is in a file of its
// own (lib/db/config.ts servicesDatabaseUrl), attached to the app's as `services`.
import Database from "better-sqlite3";
import pg from "pg";
import { expect, it } from "vitest";
import { databasePath, servicesDatabaseUrl } from "../lib/db/config";
import { demoAccounts, demoProducts } from "../lib/orders/demo-data";
import { startServer, tempDatabaseUrl, type TestServer } from "./server";
import { until } from "./wait";

const kinds = [
  { user_id: "user_1", product_id: "product_1", quantity: 1, amount: 10 }, // completes
  { user_id: "user_2", product_id: "product_2", quantity: 2, amount: 450 }, // completes, then runs out of money
  { user_id: "user_3", product_id: "product_1", quantity: 1, amount: 500 }, // insufficient funds
  { user_id: "user_3", product_id: "product_3", quantity: 1, amount: 5 }, // shipping fails: refund and release
  { user_id: "user_1", product_id: "product_3", quantity: 30, amount: 1 }, // insufficient inventory
  { user_id: "nobody", product_id: "product_1", quantity: 1, amount: 1 }, // fails validation
];

// A fixed seed, so a failure can be replayed: the moments of the kills come from it (each comes as
// soon as a number of the orders that start and leave have been accepted: their sagas are under way).
let seed = 20261122;
function random(): number {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return seed / 2 ** 31;
}

/**
 * Plain SQL on the database at `url`, `?` for each argument; numbers come back as numbers. `services`
 * is what a services' table is named with (its file's schema on SQLite, nothing on PostgreSQL).
 */
async function observe(url: string) {
  const numbers = (row: Record<string, unknown>) =>
    Object.fromEntries(
      Object.entries(row).map(([key, value]) => [
        key,
        typeof value === "string" && /^\d+$/.test(value) && key !== "id" ? Number(value) : value,
      ]),
    );
  if (url.startsWith("postgres")) {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    return {
      all: async <T>(sql: string, ...args: unknown[]) => {
        let n = 0;
        return (
          await client.query(
            sql.replace(/\?/g, () => `$${++n}`),
            args,
          )
        ).rows.map(numbers) as T[];
      },
      close: () => client.end(),
      services: "",
    };
  }
  const db = new Database(databasePath(url), { readonly: true });
  db.prepare("ATTACH DATABASE ? AS services").run(databasePath(servicesDatabaseUrl({ DATABASE_URL: url })));
  return {
    all: async <T>(sql: string, ...args: unknown[]) => db.prepare(sql).all(...args) as T[],
    close: async () => db.close(),
    services: "services.",
  };
}

/** Sends `count` orders at once; `accepted()` says how many of those that start and leave were accepted. */
function fire(server: TestServer, count: number) {
  let accepted = 0;
  const requests = Array.from({ length: count }, (_, i) =>
    fetch(`${server.url}/orders`, {
      method: "POST",
      // Half follow the seed's synchronous POST, half start and leave (as the UI does).
      headers: { "content-type": "application/json", ...(i % 2 ? { prefer: "respond-async" } : {}) },
      body: JSON.stringify(kinds[i % kinds.length]),
    }).then(
      (response) => {
        if (response.status === 202) accepted++;
      },
      () => undefined,
    ),
  );
  return { requests, accepted: () => accepted };
}

it("loses nothing and applies nothing twice across repeated SIGKILLs", async () => {
  const databaseUrl = tempDatabaseUrl();
  let resumed = 0;
  const countResumed = (server: TestServer) => (resumed += Number(/Resuming (\d+) saga/.exec(server.output())?.[1] ?? 0));
  for (let round = 0; round < 4; round++) {
    // The same replica each time (on PostgreSQL its name is its lease holder's: restarted, it takes its sagas back at once).
    const server = await startServer({ databaseUrl, env: { SAGA_DELAY_SCALE: "0.4", SAGA_REPLICA_ID: "crash-test" } });
    countResumed(server);
    const { requests, accepted } = fire(server, 30);
    const killAt = 1 + Math.floor(random() * 15);
    await until(`${killAt} orders accepted`, () => accepted() >= killAt, { everyMs: 1 });
    await server.stop("SIGKILL");
    await Promise.all(requests);
  }

  // A last start finishes whatever the last kill left in flight.
  const server = await startServer({ databaseUrl, env: { SAGA_REPLICA_ID: "crash-test" } });
  countResumed(server);
  // The kills did cut sagas off mid-flight, and the restarts picked them up.
  expect(resumed).toBeGreaterThan(0);
  let orders: { status: string }[] = [];
  for (let i = 0; i < 200; i++) {
    orders = await (await fetch(`${server.url}/orders`)).json();
    if (orders.every((o) => o.status === "completed" || o.status === "failed")) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await server.stop();
  expect(orders.length).toBeGreaterThan(0);

  const db = await observe(databaseUrl);
  const sagas = await db.all<{ id: string; status: string }>(`SELECT id, status FROM sagas`);
  expect(sagas.length).toBe(orders.length);
  expect(sagas.filter((s) => s.status !== "completed" && s.status !== "failed")).toEqual([]);
  expect(sagas.some((s) => s.status === "completed") && sagas.some((s) => s.status === "failed")).toBe(true);

  // The services' rows are theirs alone: on SQLite, none is in the app's own file.
  if (db.services) {
    for (const table of ["inventory_service_stock", "payment_service_accounts", "payment_service_ledger", "shipping_service_shipments"]) {
      expect(await db.all(`SELECT 1 FROM main.${table}`), table).toEqual([]);
    }
  }

  // In each service's own data, stock and balances equal the seed less what is still reserved and
  // charged, and the payment service's ledger says the same of every account.
  for (const product of demoProducts) {
    const [{ stock }] = await db.all<{ stock: number }>(
      `SELECT available AS stock FROM ${db.services}inventory_service_stock WHERE world_id = 'default' AND product_id = ?`,
      product.id,
    );
    const [{ held }] = await db.all<{ held: number }>(
      `SELECT COALESCE(SUM(quantity), 0) AS held FROM ${db.services}inventory_service_reservations WHERE world_id = 'default' AND product_id = ? AND status = 'reserved'`,
      product.id,
    );
    expect(stock, product.id).toBe(product.stock - held);
  }
  for (const account of demoAccounts) {
    const [{ balance }] = await db.all<{ balance: number }>(
      `SELECT balance_cents AS balance FROM ${db.services}payment_service_accounts WHERE world_id = 'default' AND account_id = ?`,
      account.id,
    );
    const [{ charged }] = await db.all<{ charged: number }>(
      `SELECT COALESCE(SUM(amount_cents), 0) AS charged FROM ${db.services}payment_service_charges WHERE world_id = 'default' AND account_id = ? AND status = 'charged'`,
      account.id,
    );
    const [{ moved }] = await db.all<{ moved: number }>(
      `SELECT COALESCE(SUM(amount_cents), 0) AS moved FROM ${db.services}payment_service_ledger WHERE world_id = 'default' AND account_id = ?`,
      account.id,
    );
    expect(balance, account.id).toBe(account.balanceCents - charged);
    expect(balance, `${account.id}, by the ledger`).toBe(account.balanceCents + Number(moved));
  }

  // A completed saga's order holds its reservation, charge and shipment in the services; a failed one holds none of them.
  const held = await db.all<{ status: string; reserved: number; charged: number; shipped: number }>(
    `SELECT s.status,
           (SELECT COUNT(*) FROM ${db.services}inventory_service_reservations r WHERE r.order_id = s.subject_id AND r.status = 'reserved') AS reserved,
           (SELECT COUNT(*) FROM ${db.services}payment_service_charges p WHERE p.order_id = s.subject_id AND p.status = 'charged') AS charged,
           (SELECT COUNT(*) FROM ${db.services}shipping_service_shipments h WHERE h.order_id = s.subject_id AND h.status = 'created') AS shipped
         FROM sagas s`,
  );
  for (const row of held) {
    const expected = row.status === "completed" ? 1 : 0;
    expect([Number(row.reserved), Number(row.charged), Number(row.shipped)]).toEqual([expected, expected, expected]);
  }

  // Each step completed and each compensation finished at most once per saga.
  const twice = await db.all(
    `SELECT saga_id, position, outcome, COUNT(*) AS n FROM saga_events
       WHERE outcome IN ('completed', 'compensated') AND position IS NOT NULL GROUP BY saga_id, position, outcome HAVING COUNT(*) > 1`,
  );
  expect(twice).toEqual([]);
  await db.close();
}, 180_000);
