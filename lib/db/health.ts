/**
 * Can the app reach its database? GET /health answers 503 with the reason when it cannot.
 *
 * Two checks: a real query, and that the file the connections have open is still the one at
 * DATABASE_URL's path. The second is needed because SQLite carries on with a file removed or replaced
 * under a running server: queries still succeed, but every write lands in an unlinked file that the next
 * start will never see.
 */
import fs from "node:fs";
import { database, openedDatabase, type Database } from "./client";

export type DatabaseHealth = { ok: true } | { ok: false; reason: string };

function describe(error: unknown): string {
  return error instanceof Error ? error.message.trim().split("\n").at(-1)! : String(error);
}

/** Whether the file at the path is still the one `db` opened. */
export function fileIdentityProblem(db: Database): string | undefined {
  let current: fs.Stats;
  try {
    current = fs.statSync(db.file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return "Database file was removed while the server was running";
    return `Database file cannot be read (${code ?? describe(error)})`;
  }
  if (current.dev !== db.identity.dev || current.ino !== db.identity.ino) return "Database file was replaced while the server was running";
  return undefined;
}

/** Never throws: whatever goes wrong is the reason. Reasons name no path (the answer is public); the log has it. */
export async function checkDatabase(): Promise<DatabaseHealth> {
  let db: Database;
  try {
    db = await database();
  } catch (error) {
    return { ok: false, reason: `Database cannot be opened: ${describe(error)}` };
  }
  // The file first: with it removed, a query may still succeed (or fail for a reason that hides this one).
  const problem = fileIdentityProblem(db);
  if (problem) return { ok: false, reason: problem };
  try {
    await db.read.saga.findFirst({ select: { id: true } });
  } catch (error) {
    return { ok: false, reason: `Database query failed: ${describe(error)}` };
  }
  return { ok: true };
}

/** Where the database is, for the log line that goes with an unhealthy answer. */
export async function databaseFile(): Promise<string | undefined> {
  return (await openedDatabase())?.file;
}
