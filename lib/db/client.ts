/**
 * The app's one data layer: Prisma Client on SQLite, as two clients on two connections.
 *
 *   write(fn) ──> one queue ──> writer client (read-write connection): one interactive transaction at a time
 *   read      ──────────────> reader client (read-only connection): sees only what has committed (WAL)
 *
 * Why two, and why a queue: Prisma's better-sqlite3 adapter opens one connection per client, and its
 * mutex orders interactive transactions only among themselves. A plain query sent on the writer while a
 * transaction is open runs inside that transaction: it reads uncommitted rows (and a write, where
 * nothing else holds it back, would be rolled back with the other's failure). So the writer is never handed out; its only use is `write`,
 * which runs `$transaction` calls one after another from a queue of its own (so no caller can meet
 * Prisma's maxWait under load either), and every read outside a transaction goes to the reader, which
 * cannot write at all. lib/db/isolation.test.ts shows what the naive design (one client for both) lets
 * leak, and that this one does not.
 *
 * A transaction holds SQLite's only write lock until it ends: the function given to `write` does
 * database work only, never a network call or a timer (the engine calls remote services between
 * transactions).
 *
 * Durability: WAL with synchronous=NORMAL. A commit is in the WAL file before `write` resolves, so a
 * process crash (even SIGKILL) loses no committed transition; only an OS crash or power cut could lose
 * the last few, which FULL would prevent at the cost of an fsync per commit.
 */
import fs from "node:fs";
import path from "node:path";
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaClient, type Prisma } from "../generated/prisma/client";
import { databaseConfig, migrationsDir } from "./config";
import { DatabaseUnavailable, describeFault, isDatabaseFault } from "./faults";
import { migrateFile } from "./migrate";
import { withStatementCache } from "./statement-cache";

/** What `write` hands its function: Prisma Client's model API, inside the transaction. */
export type Tx = Prisma.TransactionClient;

/** Whether writes are failing (the disk is full, the file went away...): /health reports it. */
export interface WriteHealth {
  failing: boolean;
  /** The last failure's reason, and when it began (the first of a run of failures). */
  reason?: string;
  since?: Date;
}

export interface Database {
  /** The SQLite file, resolved. */
  file: string;
  /** Whether the file at the path is still the one the connections opened (a file removed or replaced
   * later has another identity, or none); the reason if not. */
  fileProblem(): string | undefined;
  writeHealth(): WriteHealth;
  /** Reads outside any transaction: committed data only. */
  read: PrismaClient;
  /** Runs `fn` as one transaction, after every write queued before it; rolls back if it throws. */
  write<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  /** How many transactions this process has committed, and how many SQL statements both connections ran (for the bench). */
  stats: { transactions: number; statements: number };
  close(): Promise<void>;
}

// A transaction that takes longer than this is a bug (a network call inside it, say): Prisma rolls it back.
const TRANSACTION_TIMEOUT_MS = 10_000;
const BUSY_TIMEOUT_MS = 5_000;

async function open(file: string): Promise<Database> {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  migrateFile(file, migrationsDir());
  const { dev, ino } = fs.statSync(file);

  const stats = { transactions: 0, statements: 0 };
  const writer = new PrismaClient({ errorFormat: "minimal", adapter: withStatementCache(new PrismaBetterSqlite3({ url: `file:${file}`, timeout: BUSY_TIMEOUT_MS }), stats) });
  // Per-connection settings, sent before the writer takes any transaction. (journal_mode=WAL is a
  // property of the file, set by the migration runner; better-sqlite3 enforces foreign keys by default.)
  await writer.$executeRawUnsafe("PRAGMA synchronous = NORMAL");
  const reader = new PrismaClient({
    errorFormat: "minimal",
    adapter: withStatementCache(new PrismaBetterSqlite3({ url: `file:${file}`, readonly: true, timeout: BUSY_TIMEOUT_MS }), stats),
  });

  // Both connections open now, not at the first query: the health check must judge the file they
  // opened (a file removed later must not be recreated, empty, by a lazy connect).
  await reader.$connect();

  const fileProblem = (): string | undefined => {
    let current: fs.Stats;
    try {
      current = fs.statSync(file);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      return code === "ENOENT" ? "Database file was removed while the server was running" : `Database file cannot be read (${code})`;
    }
    return current.dev !== dev || current.ino !== ino ? "Database file was replaced while the server was running" : undefined;
  };

  let health: WriteHealth = { failing: false };
  let tail: Promise<unknown> = Promise.resolve();
  const write = <T>(fn: (tx: Tx) => Promise<T>): Promise<T> => {
    const run = tail.then(async () => {
      try {
        // A write into a file that is no longer at DATABASE_URL would be lost at the next start: refuse it.
        const problem = fileProblem();
        if (problem) throw new DatabaseUnavailable(problem);
        const result = await writer.$transaction(
          async (tx) => {
            const value = await fn(tx);
            stats.transactions++;
            return value;
          },
          { timeout: TRANSACTION_TIMEOUT_MS, maxWait: TRANSACTION_TIMEOUT_MS },
        );
        if (health.failing) health = { failing: false };
        return result;
      } catch (error) {
        if (isDatabaseFault(error)) health = { failing: true, reason: describeFault(error), since: health.since ?? new Date() };
        throw error;
      }
    });
    tail = run.catch(() => undefined);
    return run;
  };

  return {
    file,
    fileProblem,
    writeHealth: () => health,
    read: reader,
    write,
    stats,
    async close() {
      await tail;
      await Promise.allSettled([writer.$disconnect(), reader.$disconnect()]);
    },
  };
}

// One database per process, on globalThis: Next.js bundles instrumentation.ts and the route handlers
// separately, each with its own copy of this module, and both must share the connections and the queue.
const globalForDb = globalThis as unknown as { sagaStudioDatabase?: { file: string; database: Promise<Database> } };

/** The database DATABASE_URL names, opened (and migrated) on first use. */
export function database(): Promise<Database> {
  const { file } = databaseConfig();
  const current = globalForDb.sagaStudioDatabase;
  if (current && current.file === file) return current.database;
  const opening = open(file);
  globalForDb.sagaStudioDatabase = { file, database: opening };
  // A failed open is not cached: the next call tries again.
  opening.catch(() => {
    if (globalForDb.sagaStudioDatabase?.database === opening) globalForDb.sagaStudioDatabase = undefined;
  });
  return opening;
}

/** The database if it is open (for the metrics, which must not open one). */
export async function openedDatabase(): Promise<Database | undefined> {
  try {
    return await globalForDb.sagaStudioDatabase?.database;
  } catch {
    return undefined;
  }
}

/** Closes the process's database (tests, and shutdown). */
export async function closeDatabase(): Promise<void> {
  const current = globalForDb.sagaStudioDatabase;
  globalForDb.sagaStudioDatabase = undefined;
  if (current) await (await current.database.catch(() => undefined))?.close();
}
