// For `npm run bench`: fills the database at DATABASE_URL with a long history of orders, quickly, through
// the app's own data layer (lib/db): one real order is placed (its saga runs as any does), and then
// copied `count` times, every row of it (order, saga, steps, events, and the services' reservation,
// charge, ledger entry and shipment),
// each copy with ids of its own. Copying in the database takes seconds where placing 100,000 orders
// would take many minutes; the rows are those a real saga writes. The template's steps call the services
// of the server at SAGA_SERVICES_URL (its own port: /services/ is passed on to its services' thread), and
// the services' rows are copied in their data (on SQLite their own file, lib/db/config.ts
// servicesDatabaseUrl). Run with jiti:
//   SAGA_SERVICES_URL=http://127.0.0.1:8000 node node_modules/jiti/lib/jiti-cli.mjs scripts/bench-history.ts <count>
// Prints the order and saga ids of the template, as JSON.
import Sqlite from "better-sqlite3";
import { closeDatabase, database } from "../lib/db/client";
import { databasePath, servicesDatabaseUrl } from "../lib/db/config";
import { submitOrder } from "../lib/orders/service";

const count = Number(process.argv[2]);
if (!Number.isSafeInteger(count) || count < 1) throw new Error(`a number of orders to add, please (got ${process.argv[2]})`);

if (!process.env.SAGA_SERVICES_URL) throw new Error("SAGA_SERVICES_URL, please: the server whose services the template's steps call");
const submission = await submitOrder({ user_id: "user_1", product_id: "product_1", quantity: 1, amount: 0.01 });
if (submission.kind !== "finished" || submission.result.status !== "completed")
  throw new Error(`the template order did not complete (${submission.kind === "finished" ? submission.result.status : submission.kind})`);
const { orderId, sagaId } = submission.order;
const db = await database();

/** A table's columns, from the database itself (the schema moves; this follows it). */
async function columns(table: string): Promise<string[]> {
  if (db.provider === "sqlite") {
    const rows = await db.read.$queryRawUnsafe<{ name: string }[]>(`SELECT name FROM pragma_table_info('${table}')`);
    return rows.map((row) => row.name);
  }
  const rows = await db.read.$queryRawUnsafe<{ column_name: string }[]>(
    `SELECT column_name FROM information_schema.columns WHERE table_name = '${table}' AND table_schema = current_schema() ORDER BY ordinal_position`,
  );
  return rows.map((row) => row.column_name);
}

// Each table, the column that ties its rows to the template, and the columns that are ids (each copy
// gets the template's id and its number). Generated keys (orders.seq, saga_events.id) are left to the database.
type Copied = { table: string; where: [string, string]; ids: string[]; generated?: string };
const tables: Copied[] = [
  { table: "orders", where: ["id", orderId], ids: ["id", "saga_id"], generated: "seq" },
  { table: "sagas", where: ["id", sagaId], ids: ["id", "subject_id"] },
  { table: "saga_steps", where: ["saga_id", sagaId], ids: ["saga_id"] },
  { table: "saga_events", where: ["saga_id", sagaId], ids: ["saga_id"], generated: "id" },
];
// The services' own records of the order (lib/services): what their reads of an order and the run's
// ledger find. (Their logs of answered requests, keyed by the saga's steps, are not copied: no read
// looks at them.)
const servicesTables: Copied[] = [
  { table: "inventory_service_reservations", where: ["order_id", orderId], ids: ["order_id"] },
  { table: "payment_service_charges", where: ["order_id", orderId], ids: ["order_id"] },
  { table: "payment_service_ledger", where: ["order_id", orderId], ids: ["order_id"], generated: "id" },
  { table: "shipping_service_shipments", where: ["order_id", orderId], ids: ["order_id"] },
];

// On SQLite the services' data is a file of its own, which this process's Prisma Client does not open:
// copied there straight, in the same SQL. On PostgreSQL it is the same database.
const servicesFile = db.provider === "sqlite" ? new Sqlite(databasePath(servicesDatabaseUrl())) : undefined;
const BATCH = 20_000;
const parameter = db.provider === "sqlite" ? "?" : "$1";
/** A bench tool's bulk copy of copies `from` to `to`, in SQL both databases speak: the model API has no INSERT ... SELECT. */
const copySql = ({ table, where, ids, generated }: Copied, names: string[], from: number, to: number) => {
  const kept = names.filter((name) => name !== generated);
  const values = kept.map((name) => (ids.includes(name) ? `t.${name} || '-' || n.i` : `t.${name}`));
  return `INSERT INTO ${table} (${kept.join(", ")})
         WITH RECURSIVE n(i) AS (SELECT ${from} UNION ALL SELECT i + 1 FROM n WHERE i < ${to})
         SELECT ${values.join(", ")} FROM ${table} t CROSS JOIN n WHERE t.${where[0]} = ${parameter} ORDER BY n.i${generated === "id" ? ", t.id" : ""}`;
};
for (let from = 1; from <= count; from += BATCH) {
  const to = Math.min(count, from + BATCH - 1);
  if (servicesFile) {
    servicesFile.transaction(() => {
      for (const copied of servicesTables) {
        const names = (servicesFile.prepare(`SELECT name FROM pragma_table_info(?)`).all(copied.table) as { name: string }[]).map(
          (row) => row.name,
        );
        servicesFile.prepare(copySql(copied, names, from, to)).run(copied.where[1]);
      }
    })();
  }
  await db.write(async (tx) => {
    for (const copied of [...tables, ...(servicesFile ? [] : servicesTables)]) {
      await tx.$executeRawUnsafe(copySql(copied, await columns(copied.table), from, to), copied.where[1]);
    }
    // The world's count of its orders, as placing them would have kept it.
    await tx.world.update({ where: { id: "default" }, data: { orderCount: { increment: to - from + 1 } } });
  });
}
console.log(JSON.stringify({ orderId, sagaId }));
await closeDatabase();
// SQLite: the copy went through the write-ahead log, which the server's connections would search on
// every read until their next commit checkpoints it; a server that wrote these orders itself would
// have checkpointed all along. So checkpoint it now, as that server would have (a pragma, not data:
// straight on the file).
if (db.provider === "sqlite") new Sqlite(db.file).pragma("wal_checkpoint(TRUNCATE)");
servicesFile?.pragma("wal_checkpoint(TRUNCATE)");
servicesFile?.close();
