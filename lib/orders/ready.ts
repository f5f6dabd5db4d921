/**
 * Start-up, in one place: open the database (migrations are applied on open), register the saga
 * definitions this app runs, and seed the demo data into a brand-new database. Every entry point of
 * lib/orders awaits `ready()`; instrumentation.ts then resumes what a previous process left in flight.
 */
import { database, type Database } from "../db/client";
import { DatabaseUnavailable, isUniqueViolation } from "../db/faults";
import { logger } from "../log";
import { connectRelay } from "../saga/events";
import { registerSagas } from "../saga/registry";
import { seedIfEmpty } from "./demo-data";
import { orderSaga } from "./order-saga";

const log = logger("orders");
const prepared = new WeakMap<Database, Promise<void>>();

/** The database, migrated, with the saga definitions registered and the demo data seeded on the very first start. */
export async function ready(): Promise<Database> {
  const db = await database();
  let preparing = prepared.get(db);
  if (!preparing) {
    preparing = prepare(db);
    prepared.set(db, preparing);
    preparing.catch(() => prepared.delete(db));
  }
  await preparing;
  // Answering from (or writing to) a file that is no longer at DATABASE_URL would mislead: refuse (503).
  const problem = db.fileProblem();
  if (problem) throw new DatabaseUnavailable(problem);
  return db;
}

async function prepare(db: Database): Promise<void> {
  registerSagas([orderSaga]);
  connectRelay(db);
  try {
    if (await db.write((tx) => seedIfEmpty(tx))) log.info("Seeded the demo data into a new database");
  } catch (error) {
    // Replicas starting together on a new PostgreSQL database: one seeds, the others find it seeded.
    if (!isUniqueViolation(error)) throw error;
  }
}
