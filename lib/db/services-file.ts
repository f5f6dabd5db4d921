/**
 * The services' own SQLite file (lib/db/config.ts servicesDatabaseUrl), made ready before their thread
 * starts (lib/services/start-thread.ts): migrated, and given the rows an earlier app left for them in
 * the app's file. Until the services had a thread and a file of their own, their tables lived in the
 * app's file (and a database from before the services gets them there from its migrations): their rows
 * move over once, at the first start that finds them. Synchronous: better-sqlite3 is, and it runs at
 * start-up, before any request.
 */
import Database from "better-sqlite3";
import { migrateFile } from "./migrate-sqlite";

// The services' tables: each service's own, named after it (the architecture test holds them to it).
const SERVICE_TABLE = /^(inventory|payment|shipping)_service_/;

/**
 * Migrates `servicesFile` (creating it), then moves the services' rows from `appFile` into it: copied
 * (a row the services' file already has is kept) in one transaction, then deleted from the app's file
 * in another. A crash between the two leaves the rows in both, and the next start moves them again:
 * never in neither. Returns how many rows moved.
 */
export function prepareServicesFile(appFile: string, servicesFile: string, migrations: string): number {
  migrateFile(servicesFile, migrations);
  const db = new Database(servicesFile);
  try {
    db.pragma("busy_timeout = 5000");
    db.prepare("ATTACH DATABASE ? AS app").run(appFile);
    const tables = (db.prepare(`SELECT name FROM app.sqlite_master WHERE type = 'table'`).all() as { name: string }[])
      .map((row) => row.name)
      .filter((name) => SERVICE_TABLE.test(name))
      .filter((name) => db.prepare(`SELECT 1 FROM app."${name}" LIMIT 1`).get() !== undefined);
    if (tables.length === 0) return 0;
    let moved = 0;
    db.transaction(() => {
      for (const name of tables) moved += db.prepare(`INSERT OR IGNORE INTO main."${name}" SELECT * FROM app."${name}"`).run().changes;
    }).immediate();
    db.transaction(() => {
      for (const name of tables) db.prepare(`DELETE FROM app."${name}"`).run();
    }).immediate();
    return moved;
  } finally {
    db.close();
  }
}
