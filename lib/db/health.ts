/**
 * Can the app reach its database? GET /health answers 503 with the reason when it cannot.
 *
 * Three checks: that the file the connections have open is still the one at DATABASE_URL's path (SQLite
 * carries on with a file removed or replaced under a running server: queries still succeed, but every
 * write would land in an unlinked file that the next start never sees; lib/db/client.ts refuses such
 * writes), that the last write did not fail (a full disk, a read-only file), and a real query.
 */
import { database, openedDatabase, type Database } from "./client";
import { describeFault } from "./faults";

export type DatabaseHealth = { ok: true } | { ok: false; reason: string };

/** Never throws: whatever goes wrong is the reason. Reasons name no path (the answer is public); the log has it. */
export async function checkDatabase(): Promise<DatabaseHealth> {
  let db: Database;
  try {
    db = await database();
  } catch (error) {
    return { ok: false, reason: `Database cannot be opened: ${describeFault(error)}` };
  }
  // The file first: with it removed, a query may still succeed (or fail for a reason that hides this one).
  const problem = db.fileProblem();
  if (problem) return { ok: false, reason: problem };
  const failing = db.writeHealth();
  try {
    // (On PostgreSQL, while writes are failing, the probe tries one: see lib/db/postgres.ts.)
    await db.probe();
  } catch (error) {
    if (!failing.failing) return { ok: false, reason: `Database query failed: ${describeFault(error)}` };
  }
  const writes = db.writeHealth();
  if (writes.failing) return { ok: false, reason: `Writes are failing since ${writes.since?.toISOString()}: ${writes.reason}` };
  return { ok: true };
}

/** Where the database is, for the log line that goes with an unhealthy answer. */
export async function databaseFile(): Promise<string | undefined> {
  return (await openedDatabase())?.file;
}
