/**
 * Applies pending migrations from prisma/migrations to a SQLite file at start-up, the way `prisma
 * migrate deploy` does (lib/db/migrate.ts), timestamps in epoch milliseconds as Prisma writes them on
 * SQLite. Synchronous: better-sqlite3 is, and nothing else runs before the app's own connections open.
 */
import { randomUUID } from "node:crypto";
import Database from "better-sqlite3";
import { FINISHED_MIGRATIONS, pendingMigrations, type LedgerRow } from "./migrate";

const LEDGER_DDL = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    TEXT PRIMARY KEY NOT NULL,
    "checksum"              TEXT NOT NULL,
    "finished_at"           DATETIME,
    "migration_name"        TEXT NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        DATETIME,
    "started_at"            DATETIME NOT NULL DEFAULT current_timestamp,
    "applied_steps_count"   INTEGER UNSIGNED NOT NULL DEFAULT 0
)`;

/** Applies every migration not yet finished, each in its own transaction; returns the names applied. */
export function applyMigrations(db: Database.Database, dir: string): string[] {
  db.exec(LEDGER_DDL);
  const applied: string[] = [];
  for (const migration of pendingMigrations(dir, db.prepare(FINISHED_MIGRATIONS).all() as LedgerRow[])) {
    const startedAt = Date.now();
    db.transaction(() => {
      db.exec(migration.sql);
      db.prepare(
        `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at, applied_steps_count)
         VALUES (?, ?, ?, ?, NULL, NULL, ?, 1)`,
      ).run(randomUUID(), migration.checksum, Date.now(), migration.name, startedAt);
    }).immediate();
    applied.push(migration.name);
  }
  return applied;
}

/**
 * Opens the SQLite file (creating it), switches it to WAL (a property of the file, kept by every later
 * connection), applies pending migrations and closes it again: the app's own connections are Prisma's.
 */
export function migrateFile(file: string, dir: string): string[] {
  const db = new Database(file);
  try {
    db.pragma("journal_mode = WAL");
    db.pragma("busy_timeout = 5000");
    return applyMigrations(db, dir);
  } finally {
    db.close();
  }
}
