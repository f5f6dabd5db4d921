/**
 * Applies pending migrations from prisma/postgresql/migrations at start-up on PostgreSQL, the way
 * `prisma migrate deploy` does (lib/db/migrate.ts). Several replicas may start at once: an advisory lock
 * lets one apply while the others wait, and they then find everything applied.
 */
import { randomUUID } from "node:crypto";
import pg from "pg";
import { FINISHED_MIGRATIONS, pendingMigrations, type LedgerRow } from "./migrate";

const LEDGER_DDL = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

// Any fixed number: the key of the advisory lock that serializes migrations across replicas.
const MIGRATION_LOCK = 72_390_511;

/** Applies every migration not yet finished, each in its own transaction; returns the names applied. */
export async function migratePostgres(url: string, dir: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK]);
    await client.query(LEDGER_DDL);
    const { rows } = await client.query<LedgerRow>(FINISHED_MIGRATIONS);
    const applied: string[] = [];
    for (const migration of pendingMigrations(dir, rows)) {
      const startedAt = new Date();
      await client.query("BEGIN");
      try {
        await client.query(migration.sql);
        await client.query(
          `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at, applied_steps_count)
           VALUES ($1, $2, now(), $3, NULL, NULL, $4, 1)`,
          [randomUUID(), migration.checksum, migration.name, startedAt],
        );
        await client.query("COMMIT");
      } catch (error) {
        await client.query("ROLLBACK");
        throw error;
      }
      applied.push(migration.name);
    }
    return applied;
  } finally {
    await client.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK]).catch(() => undefined);
    await client.end();
  }
}
