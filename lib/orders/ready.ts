import { getDb, type Db } from "../db/sqlite";
import { logger } from "../log";
import { seedIfEmpty } from "./demo-data";
import "./order-saga"; // registers the order saga, so sagas found in the database can be resumed

const log = logger("orders");
const seeded = new WeakSet<Db>();

/** The write connection, migrated, with the demo data seeded on the very first start. */
export function ready(): Db {
  const db = getDb();
  if (!seeded.has(db)) {
    if (db.transaction(() => seedIfEmpty(db)).immediate()) log.info("Seeded the demo data into a new database");
    seeded.add(db);
  }
  return db;
}
