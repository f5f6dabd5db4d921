// For `npm run bench`: fills the database at DATABASE_URL with a long history of orders, quickly, through
// the app's own data layer (lib/db): one real order is placed (its saga runs as any does), and then
// copied `count` times, every row of it (order, saga, steps, events, and the services' reservation,
// charge, ledger entry and shipment),
// each copy with ids of its own. Copying in the database takes seconds where placing 100,000 orders
// would take many minutes; the rows are those a real saga writes. Run with jiti:
//   node node_modules/jiti/lib/jiti-cli.mjs scripts/bench-history.ts <count>
// Prints the order and saga ids of the template, as JSON.
import Sqlite from "better-sqlite3";
import { closeDatabase, database } from "../lib/db/client";
import { submitOrder } from "../lib/orders/service";
import { startServicesListener } from "../lib/services/listener";

const count = Number(process.argv[2]);
if (!Number.isSafeInteger(count) || count < 1) throw new Error(`a number of orders to add, please (got ${process.argv[2]})`);

// The order's steps call the services (lib/services) on a loopback port of this process, as the server's do.
const services = await startServicesListener();
process.env.SAGA_SERVICES_URL = services.url;
const submission = await submitOrder({ user_id: "user_1", product_id: "product_1", quantity: 1, amount: 0.01 });
if (submission.kind !== "finished" || submission.result.status !== "completed")
  throw new Error(`the template order did not complete (${submission.kind === "finished" ? submission.result.status : submission.kind})`);
await services.close();
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
const tables: { table: string; where: [string, string]; ids: string[]; generated?: string }[] = [
  { table: "orders", where: ["id", orderId], ids: ["id", "saga_id"], generated: "seq" },
  { table: "sagas", where: ["id", sagaId], ids: ["id", "subject_id"] },
  { table: "saga_steps", where: ["saga_id", sagaId], ids: ["saga_id"] },
  { table: "saga_events", where: ["saga_id", sagaId], ids: ["saga_id"], generated: "id" },
  // The services' own records of the order (lib/services): what their reads of an order and the run's
  // ledger find. (Their logs of answered requests, keyed by the saga's steps, are not copied: no read
  // looks at them.)
  { table: "inventory_service_reservations", where: ["order_id", orderId], ids: ["order_id"] },
  { table: "payment_service_charges", where: ["order_id", orderId], ids: ["order_id"] },
  { table: "payment_service_ledger", where: ["order_id", orderId], ids: ["order_id"], generated: "id" },
  { table: "shipping_service_shipments", where: ["order_id", orderId], ids: ["order_id"] },
];

const BATCH = 20_000;
const parameter = db.provider === "sqlite" ? "?" : "$1";
for (let from = 1; from <= count; from += BATCH) {
  const to = Math.min(count, from + BATCH - 1);
  await db.write(async (tx) => {
    for (const { table, where, ids, generated } of tables) {
      const names = (await columns(table)).filter((name) => name !== generated);
      const values = names.map((name) => (ids.includes(name) ? `t.${name} || '-' || n.i` : `t.${name}`));
      // A bench tool's bulk copy, in SQL both databases speak: the model API has no INSERT ... SELECT.
      await tx.$executeRawUnsafe(
        `INSERT INTO ${table} (${names.join(", ")})
         WITH RECURSIVE n(i) AS (SELECT ${from} UNION ALL SELECT i + 1 FROM n WHERE i < ${to})
         SELECT ${values.join(", ")} FROM ${table} t CROSS JOIN n WHERE t.${where[0]} = ${parameter} ORDER BY n.i${generated === "id" ? ", t.id" : ""}`,
        where[1],
      );
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
