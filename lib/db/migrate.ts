/**
 * What both migration runners share (lib/db/migrate-sqlite.ts, lib/db/migrate-postgres.ts): the
 * migrations on disk, and which of them are pending, told from the ledger `prisma migrate deploy` keeps
 * (`_prisma_migrations`: its table, the sha256 of each file, one applied step). Each runner records
 * what it applies exactly as Prisma would, so Prisma's CLI can take over the same database later; the
 * CLI cannot run here itself: its migration engine is a binary it downloads.
 */
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

/** A row of the ledger, as FINISHED_MIGRATIONS reads it. */
export interface LedgerRow {
  migration_name: string;
  checksum: string;
}

/** The ledger's migrations that finished and were not rolled back (the same SQL on both databases). */
export const FINISHED_MIGRATIONS = `SELECT migration_name, checksum FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`;

/** The migrations in `dir` (each a directory with a migration.sql), in order of their names. */
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

/** The migrations in `dir` that `finished` (the ledger's rows) lacks, in order: what a runner applies, each in its own transaction. */
export function pendingMigrations(dir: string, finished: LedgerRow[]): Migration[] {
  const recorded = new Map(finished.map((row) => [row.migration_name, row.checksum]));
  return readMigrations(dir).filter((migration) => {
    const checksum = recorded.get(migration.name);
    if (checksum === undefined) return true;
    // Prisma warns and carries on in this case; an edited migration is a developer's mistake worth seeing.
    if (checksum !== migration.checksum) console.warn(`WARNING:migrate:migration ${migration.name} was modified after it was applied`);
    return false;
  });
}
