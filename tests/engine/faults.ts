/**
 * A database that refuses writes for a while, as a full disk or a file gone read-only would: SQLite's
 * `query_only` pragma on the app's write connection makes every write fail with SQLITE_READONLY until
 * it is lifted. A pragma has no model, so this is raw SQL (tests only).
 */
import type { Database } from "../../lib/db/client";

export async function refuseWrites(db: Database, refuse: boolean): Promise<void> {
  await db.write((tx) => tx.$executeRawUnsafe(`PRAGMA query_only = ${refuse ? 1 : 0}`));
}
