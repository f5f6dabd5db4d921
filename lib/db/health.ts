/**
 * Can the app reach its database? GET /health answers 503 with the reason when it cannot.
 *
 * Two checks: a real query on the write connection, and that the file it has open is still the one at
 * DATABASE_URL's path. The second is needed because SQLite carries on with a file removed or replaced
 * under a running server: queries still succeed, but every write lands in an unlinked file that the next
 * start will never see.
 */
import fs from "node:fs";
import { getDb, openedDatabase } from "./sqlite";

export type DatabaseHealth = { ok: true } | { ok: false; reason: string };

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Never throws: whatever goes wrong is the reason. Reasons name no path (the answer is public); the log has it. */
export function checkDatabase(): DatabaseHealth {
  try {
    getDb().prepare("SELECT 1 FROM sagas LIMIT 1").get();
  } catch (error) {
    return { ok: false, reason: `Database query failed: ${describe(error)}` };
  }
  const opened = openedDatabase();
  if (!opened?.identity) return { ok: true };
  let current: fs.Stats;
  try {
    current = fs.statSync(opened.path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return { ok: false, reason: "Database file was removed while the server was running" };
    return { ok: false, reason: `Database file cannot be read (${code ?? describe(error)})` };
  }
  if (current.dev !== opened.identity.dev || current.ino !== opened.identity.ino) {
    return { ok: false, reason: "Database file was replaced while the server was running" };
  }
  return { ok: true };
}

/** Where the database is, for the log line that goes with an unhealthy answer. */
export function databaseFile(): string | undefined {
  return openedDatabase()?.path;
}
