/**
 * A ledger table of the engine tests' own: the toy sagas write their effects here, inside their step's
 * transaction, so a test can count how often each action really took effect. No model describes it (it
 * exists only in test databases), so it is reached with tagged-template raw SQL, the one way Prisma
 * Client has to address a table outside the schema.
 */
import type { Database, Tx } from "../../lib/db/client";

// An integer key that each database numbers in insertion order: SQLite's AUTOINCREMENT, PostgreSQL's
// SERIAL (the test writes one entry at a time per transaction, so insertion order is commit order).
export async function resetLedger(db: Database): Promise<void> {
  await db.write((tx) =>
    db.provider === "postgresql"
      ? tx.$executeRaw`CREATE TABLE IF NOT EXISTS test_ledger (seq SERIAL PRIMARY KEY, entry TEXT NOT NULL)`
      : tx.$executeRaw`CREATE TABLE IF NOT EXISTS test_ledger (seq INTEGER PRIMARY KEY AUTOINCREMENT, entry TEXT NOT NULL)`,
  );
  await db.write((tx) => tx.$executeRaw`DELETE FROM test_ledger`);
}

export async function record(tx: Tx, entry: string): Promise<void> {
  await tx.$executeRaw`INSERT INTO test_ledger (entry) VALUES (${entry})`;
}

export async function ledger(db: Database): Promise<string[]> {
  const rows = await db.read.$queryRaw<{ entry: string }[]>`SELECT entry FROM test_ledger ORDER BY seq`;
  return rows.map((row) => row.entry);
}
