/**
 * The process's one database, the door into lib/db: `database()` opens the one DATABASE_URL names (on
 * SQLite, lib/db/sqlite.ts; on PostgreSQL, lib/db/postgres.ts, loaded only then) and hands out the same
 * one to every caller; `closeDatabase()` closes it. What it hands out is a `Database` (lib/db/types.ts).
 */
import { databaseConfig, type DatabaseConfig } from "./config";
import { openSqlite } from "./sqlite";
import type { Database, Tx } from "./types";

export type { Database, Tx, WriteHealth } from "./types";

async function open(config: DatabaseConfig): Promise<Database> {
  if (config.provider === "postgresql") return (await import("./postgres")).openPostgres(config);
  return openSqlite(config);
}

// One database per process, on globalThis: Next.js bundles instrumentation.ts and the route handlers
// separately, each with its own copy of this module, and both must share the connections and the queue.
const globalForDb = globalThis as unknown as { sagaStudioDatabase?: { file: string; database: Promise<Database> } };

/** The database DATABASE_URL names, opened (and migrated) on first use. */
export function database(): Promise<Database> {
  const config = databaseConfig();
  const file = config.provider === "sqlite" ? config.file : config.url;
  const current = globalForDb.sagaStudioDatabase;
  if (current && current.file === file) return current.database;
  const opening = open(config);
  globalForDb.sagaStudioDatabase = { file, database: opening };
  // A failed open is not cached: the next call tries again.
  opening.catch(() => {
    if (globalForDb.sagaStudioDatabase?.database === opening) globalForDb.sagaStudioDatabase = undefined;
  });
  return opening;
}

// Any fixed number: the key of the lock that orders event writes on PostgreSQL.
const EVENT_ORDER_LOCK = 72_390_512;

/**
 * Call in a transaction just before it writes to the event log. On PostgreSQL an id from a sequence is
 * taken when a row is inserted, not when it commits: two transactions could commit their events out of
 * id order, and a live stream that reads `id > last` would skip the one that committed late. A
 * transaction-scoped advisory lock, taken here and held to the commit, lets one event-writing
 * transaction at a time take ids, so ids commit in order (a rolled-back one leaves a gap nobody waits
 * for). The event write is the last thing a transition does, so the lock is held only briefly. SQLite
 * runs one write transaction at a time anyway: nothing to do.
 */
export async function orderEventWrites(tx: Tx): Promise<void> {
  const current = await globalForDb.sagaStudioDatabase?.database;
  // The model API cannot take a lock: a raw statement, kept here in lib/db with the rest of the SQL.
  if (current?.provider === "postgresql") await tx.$queryRaw`SELECT pg_advisory_xact_lock(${EVENT_ORDER_LOCK})::text`;
}

/** The database if it is open (for the metrics, which must not open one). */
export async function openedDatabase(): Promise<Database | undefined> {
  try {
    return await globalForDb.sagaStudioDatabase?.database;
  } catch {
    return undefined;
  }
}

/** Closes the process's database (tests, and shutdown). */
export async function closeDatabase(): Promise<void> {
  const current = globalForDb.sagaStudioDatabase;
  globalForDb.sagaStudioDatabase = undefined;
  if (current) await (await current.database.catch(() => undefined))?.close();
}
