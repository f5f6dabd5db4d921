// The reads that every dashboard and API client asks for most (a page of GET /orders or GET /sagas, and
// GET /balances) must cost the same at any length of history: each is answered by seeking an index to
// where its page starts and reading about a page of rows from there, never by walking past the rest.
//
// How: the database is given a history where the planner is tempted to do otherwise (the shared world's
// orders and sagas, then as many more of other worlds, newer; hundreds of worlds with their accounts),
// then the app's own reads run (lib/orders/queries.ts) while the SQL they send is recorded, and each
// statement is explained, with its own arguments, by the database: on SQLite EXPLAIN QUERY PLAN must
// show a SEARCH of the list's index (no SCAN of the table, no temporary b-tree to sort it), on PostgreSQL
// EXPLAIN must show an Index Scan of it, with the world (and past the first page, the cursor) in its
// Index Cond, and no Sort. (Runs in both projects.)
import Database from "better-sqlite3";
import pg from "pg";
import { afterAll, beforeAll, expect, it } from "vitest";
import { balances, ordersPage, sagasPage } from "../orders/queries";
import { ready } from "../orders/ready";
import { closeDatabase } from "./client";

interface Sent {
  sql: string;
  args: unknown[];
}

// Every statement the app's connections run, with its arguments, from before the database opens.
const sent: Sent[] = [];
let recording = false;
const record = (sql: string, args: unknown[]) => {
  if (recording) sent.push({ sql, args });
};
// SQLite: Prisma's adapter runs each statement through better-sqlite3's Statement#all (lib/db/statement-cache.ts).
const statement = Object.getPrototypeOf(new Database(":memory:").prepare("SELECT 1")) as {
  all(...args: unknown[]): unknown[];
  source: string;
};
const all = statement.all;
statement.all = function (this: { source: string }, ...args: unknown[]) {
  record(this.source, args.length === 1 && Array.isArray(args[0]) ? args[0] : args);
  return all.apply(this, args);
};
// PostgreSQL: Prisma's adapter runs each through a pooled pg client's query({ text, values }).
const query = pg.Client.prototype.query;
pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
  const config = args[0] as { text?: string; values?: unknown[] } | undefined;
  if (config && typeof config === "object" && typeof config.text === "string") record(config.text, config.values ?? []);
  return (query as (...a: unknown[]) => unknown).apply(this, args);
} as typeof query;

/** What the reads in `read` sent, SELECTs of the list tables only (saga steps of a page are read by saga id). */
async function reads(read: () => Promise<unknown>): Promise<Sent[]> {
  sent.length = 0;
  recording = true;
  try {
    await read();
  } finally {
    recording = false;
  }
  const selects = sent.filter(
    (s) => /^\s*SELECT\b/i.test(s.sql) && /\bFROM\s+\S*\b(orders|payment_service_accounts|sagas)\b[`"]?\s/i.test(s.sql),
  );
  expect(selects.length, "the read sent no SELECT of its list").toBeGreaterThan(0);
  return selects;
}

/** The id of the test's world number `i`, in the shape of a demo world's (the services refuse any other). */
const planWorld = (i: number) => `plans-world-${i}`.padEnd(22, "x");

const HISTORY = 3_000;
const WORLDS = 300;
const db = await ready();
const provider = db.provider;

beforeAll(async () => {
  const at = (i: number) => new Date(Date.UTC(2026, 0, 1) + i * 1_000);
  const worlds = Array.from({ length: WORLDS }, (_, i) => planWorld(i));
  // The shared world's history first, then as many orders of other worlds, newer: the newest rows of the
  // table are not the shared world's. (On PostgreSQL, walking the primary key backward and filtering on
  // the world looks cheap for a world that holds half the table: it reads every newer row of the others.)
  const orders = Array.from({ length: 2 * HISTORY }, (_, i) => ({
    id: `plans-order-${i}`,
    worldId: i < HISTORY ? "default" : worlds[i % 30],
    sagaId: `plans-saga-${i}`,
    at: at(i),
    status: i % 7 === 0 ? "compensation_failed" : "completed",
  }));
  const created = new Date(Date.UTC(2026, 0, 1));
  await db.write((tx) => tx.world.createMany({ data: worlds.map((id) => ({ id, createdAt: created, lastSeenAt: created })) }));
  await db.write(async (tx) => {
    await tx.account.createMany({
      data: worlds.flatMap((worldId) => ["user_1", "user_2", "user_3"].map((id) => ({ worldId, id, name: id, updatedAt: created }))),
    });
    // The balances are the payment service's (lib/services/payment.ts), which GET /balances asks.
    await tx.paymentServiceAccount.createMany({
      data: worlds.flatMap((worldId) =>
        ["user_1", "user_2", "user_3"].map((accountId) => ({ worldId, accountId, balanceCents: 100, updatedAt: created })),
      ),
    });
  });
  // A transaction a batch: on PostgreSQL one that waits on its client for 5 s is ended (lib/db/postgres.ts).
  for (let from = 0; from < orders.length; from += 500) {
    const batch = orders.slice(from, from + 500);
    await db.write(async (tx) => {
      await tx.order.createMany({
        data: batch.map((o) => ({
          id: o.id,
          worldId: o.worldId,
          userId: "user_1",
          productId: "product_1",
          quantity: 1,
          amountCents: 1,
          status: o.status,
          sagaId: o.sagaId,
          createdAt: o.at,
          updatedAt: o.at,
        })),
      });
      await tx.saga.createMany({
        data: batch.map((o) => ({
          id: o.sagaId,
          definition: "order",
          subjectType: "order",
          subjectId: o.id,
          scope: o.worldId,
          status: o.status,
          createdAt: o.at,
          updatedAt: o.at,
        })),
      });
    });
  }
  // PostgreSQL plans from statistics, which its autovacuum gathers after such a batch of rows: now, here.
  if (provider === "postgresql") await db.write((tx) => tx.$executeRawUnsafe("ANALYZE"));
}, 120_000);

afterAll(() => closeDatabase());

/** A SQLite plan, one line a step: EXPLAIN QUERY PLAN of the statement, with its arguments. */
function sqlitePlan({ sql, args }: Sent): string[] {
  const explain = new Database(db.file, { readonly: true });
  try {
    return (explain.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...args) as { detail: string }[]).map((row) => row.detail);
  } finally {
    explain.close();
  }
}

interface PgNode {
  "Node Type": string;
  "Relation Name"?: string;
  "Index Name"?: string;
  "Index Cond"?: string;
  Filter?: string;
  Plans?: PgNode[];
}

/** A PostgreSQL plan: EXPLAIN (FORMAT JSON) of the statement, with its arguments, every node of it. */
async function postgresPlan({ sql, args }: Sent): Promise<PgNode[]> {
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  try {
    const { rows } = await client.query<{ "QUERY PLAN": { Plan: PgNode }[] }>({ text: `EXPLAIN (FORMAT JSON) ${sql}`, values: args });
    const nodes: PgNode[] = [];
    const walk = (node: PgNode) => {
      nodes.push(node);
      node.Plans?.forEach(walk);
    };
    walk(rows[0]["QUERY PLAN"][0].Plan);
    return nodes;
  } finally {
    await client.end();
  }
}

// SAGA_SHOW_PLANS=1 prints each statement with its plan.
const showPlans = process.env.SAGA_SHOW_PLANS === "1";
const listIndex = {
  orders: /^orders_world_id_/,
  sagas: /^sagas_scope_/,
  payment_service_accounts: /^payment_service_accounts_pkey$/,
} as const;
type Table = keyof typeof listIndex;
const tableOf = (sql: string) => /\bFROM\s+\S*?\b(orders|payment_service_accounts|sagas)\b/i.exec(sql)![1] as Table;

/**
 * Asserts that every read of `read` seeks its list's index: by the world (or scope) alone on a first
 * page, and by the cursor too (`pastCursor`) on a later one.
 */
async function expectSeeks(read: () => Promise<unknown>, pastCursor = false) {
  for (const statement of await reads(read)) {
    const table = tableOf(statement.sql);
    const what = `${table}: ${statement.sql}`;
    if (provider === "sqlite") {
      const plan = sqlitePlan(statement);
      const text = plan.join("\n");
      if (showPlans) console.log(`${statement.sql}\n  ${plan.join("\n  ")}`);
      expect(text, what).toMatch(
        new RegExp(
          `SEARCH \\S*${table} USING (COVERING )?INDEX (orders_world_id_|sagas_scope_|sqlite_autoindex_payment_service_accounts_1)`,
        ),
      );
      expect(text, what).not.toMatch(/\bSCAN\b/);
      expect(text, what).not.toMatch(/TEMP B-TREE/);
      // Past the first page, the index is sought to the cursor too: a range after the world's equality.
      if (pastCursor) expect(text, `${what}\nseeks to the cursor`).toMatch(/\(\w+=\?(?: AND \w+=\?)* AND \w+<\?\)/);
    } else {
      const plan = await postgresPlan(statement);
      const scans = plan.filter((node) => node["Relation Name"] === table);
      const shown = plan
        .map(
          (node) =>
            `  ${node["Node Type"]}${node["Index Name"] ? ` using ${node["Index Name"]}` : ""}${node["Relation Name"] ? ` on ${node["Relation Name"]}` : ""}${node["Index Cond"] ? `, Index Cond: ${node["Index Cond"]}` : ""}${node.Filter ? `, Filter: ${node.Filter}` : ""}`,
        )
        .join("\n");
      if (showPlans) console.log(`${statement.sql}\n${shown}`);
      expect(scans.length, `${what}\n${shown}`).toBe(1);
      const [scan] = scans;
      expect(scan["Node Type"], `${what}\n${shown}`).toMatch(/^(Index Scan|Index Only Scan|Bitmap Heap Scan)$/);
      const index = scan["Index Name"] ?? plan.find((node) => node["Node Type"] === "Bitmap Index Scan")?.["Index Name"];
      expect(index, `${what}\n${shown}`).toMatch(listIndex[table]);
      // The world is sought in the index, not filtered out row by row.
      expect(scan.Filter ?? "", `${what}\n${shown}`).not.toMatch(/world_id|scope/);
      if (table !== "payment_service_accounts")
        expect(
          plan.map((node) => node["Node Type"]),
          `${what}\n${shown}`,
        ).not.toContain("Sort");
      if (pastCursor) expect(scan["Index Cond"], `${what}\nseeks to the cursor\n${shown}`).toMatch(/ <=? /);
    }
  }
}

it("reads the first page of a world's orders from its index, whatever the other worlds hold", async () => {
  await expectSeeks(() => ordersPage(20, undefined, "default"));
  await expectSeeks(() => ordersPage(20, undefined, planWorld(3)));
  await expectSeeks(() => ordersPage(20, undefined, planWorld(299)));
});

it("reads a later page of orders from where its cursor points", async () => {
  const first = await ordersPage(20, undefined, "default");
  expect(first.next).not.toBeNull();
  await expectSeeks(() => ordersPage(20, first.next!, "default"), true);
});

it("reads a world's balances from the payment service's accounts' key", async () => {
  await expectSeeks(() => balances(planWorld(7)));
});

it("reads pages of sagas from their index, a later page from where its cursor points", async () => {
  await expectSeeks(() => sagasPage(undefined, 20, undefined, "default"));
  await expectSeeks(() => sagasPage("compensation_failed", 20, undefined, "default"));
  const first = await sagasPage(undefined, 20, undefined, "default");
  await expectSeeks(() => sagasPage(undefined, 20, first.next!, "default"), true);
  const failed = await sagasPage("compensation_failed", 20, undefined, "default");
  await expectSeeks(() => sagasPage("compensation_failed", 20, failed.next!, "default"), true);
});
