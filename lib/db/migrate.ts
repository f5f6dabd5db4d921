/**
 * Applies pending migrations from prisma/migrations at start-up, the way `prisma migrate deploy` does,
 * and records them in `_prisma_migrations` exactly as it would (same table, sha256 checksum of the
 * file, timestamps in epoch milliseconds, one applied step), so Prisma's CLI can take over the same
 * database later. Prisma's CLI cannot run here: its migration engine is a binary it downloads.
 */
import { createHash, randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";

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

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

export function readMigrations(dir: string): Migration[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && fs.existsSync(path.join(dir, entry.name, "migration.sql")))
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const sql = fs.readFileSync(path.join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    });
}

/** Applies every migration not yet finished, each in its own transaction; returns the names applied. */
export function applyMigrations(db: Database.Database, dir: string): string[] {
  db.exec(LEDGER_DDL);
  const finished = new Map(
    (
      db
        .prepare(`SELECT migration_name, checksum FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`)
        .all() as { migration_name: string; checksum: string }[]
    ).map((row) => [row.migration_name, row.checksum]),
  );
  const applied: string[] = [];
  for (const migration of readMigrations(dir)) {
    const recorded = finished.get(migration.name);
    if (recorded !== undefined) {
      if (recorded !== migration.checksum) {
        // Prisma warns and carries on in this case; an edited migration is a developer's mistake worth seeing.
        console.warn(`WARNING:migrate:migration ${migration.name} was modified after it was applied`);
      }
      continue;
    }
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
