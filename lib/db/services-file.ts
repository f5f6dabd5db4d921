/**
 * The services' own SQLite file (lib/db/config.ts servicesDatabaseUrl), made ready before their thread
 * starts (lib/services/start-thread.ts): migrated, and given the rows an earlier app left for them in
 * the app's file. Until the services had a thread and a file of their own, their tables lived in the
 * app's file (and a database from before the services gets them there from its migrations): their rows
 * move over once, at the first start that finds them. Synchronous: better-sqlite3 is, and it runs at
 * start-up, before any request.
 */
import Database from "better-sqlite3";
import { ConfigError } from "./config";
import { migrateFile } from "./migrate-sqlite";

// The services' tables: each service's own, named after it (the architecture test holds them to it).
const SERVICE_TABLE = /^(inventory|payment|shipping)_service_/;

// The services' file's user_version once the rows have moved into it (SQLite keeps the number in the
// file's header; Prisma uses none): from then on, the app's file has nothing more to give it.
const MOVED = 1;

/**
 * Migrates `servicesFile` (creating it), then moves the services' rows from `appFile` into it, once:
 * copied in one transaction that also marks the file (MOVED), then deleted from the app's file in
 * another. A start that stops between the two leaves the same rows in both, and the next one deletes
 * them from the app's file: never in neither. Rows in the app's file that the services' file lacks after
 * the move (an earlier version run on it since) stop the start: the two would disagree. Returns how
 * many rows moved.
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
    // Named columns, not *: the same names in both files, whatever their order.
    const columns = (name: string) =>
      (db.prepare(`SELECT name FROM pragma_table_info(?)`).all(name) as { name: string }[]).map((column) => `"${column.name}"`).join(", ");
    let moved = 0;
    if (db.pragma("user_version", { simple: true }) !== MOVED) {
      // The first start with this file (before its thread writes a row): what there is moves, if anything.
      db.transaction(() => {
        for (const name of tables)
          moved += db.prepare(`INSERT INTO main."${name}" (${columns(name)}) SELECT ${columns(name)} FROM app."${name}"`).run().changes;
        db.pragma(`user_version = ${MOVED}`);
      }).immediate();
    } else {
      const unknown = tables.filter(
        (name) =>
          db
            .prepare(
              `SELECT 1 FROM (SELECT ${columns(name)} FROM app."${name}" EXCEPT SELECT ${columns(name)} FROM main."${name}") LIMIT 1`,
            )
            .get() !== undefined,
      );
      if (unknown.length > 0)
        throw new ConfigError(
          `${appFile} holds rows of the services (${unknown.join(", ")}) that their own file, ${servicesFile}, does not: ` +
            "was an earlier version run on it after the services' data moved? Move them by hand, or remove them, then start again",
        );
    }
    if (tables.length > 0)
      db.transaction(() => {
        for (const name of tables) db.prepare(`DELETE FROM app."${name}"`).run();
      }).immediate();
    return moved;
  } finally {
    db.close();
  }
}
