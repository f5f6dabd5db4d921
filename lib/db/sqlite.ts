/**
 * Opens the data layer on SQLite: Prisma Client as two clients on two connections.
 *
 *   write(fn) ──> one queue ──> writer client (read-write connection): one interactive transaction at a time
 *                                (those waiting go in together, each in a savepoint: lib/db/group-commit.ts)
 *   read      ──────────────> reader client (read-only connection): sees only what has committed (WAL)
 *
 * Why two, and why a queue: Prisma's better-sqlite3 adapter opens one connection per client, and its
 * mutex orders interactive transactions only among themselves. A plain query sent on the writer while a
 * transaction is open runs inside that transaction: it reads uncommitted rows (and a write, where
 * nothing else holds it back, would be rolled back with the other's failure). So the writer is never
 * handed out; its only use is `write`, which runs `$transaction` calls one after another from a queue of
 * its own (so no caller can meet Prisma's maxWait under load either), and every read outside a
 * transaction goes to the reader, which cannot write at all. lib/db/isolation.test.ts shows what the
 * naive design (one client for both) lets leak, and that this one does not.
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
import type { Database as Connection } from "better-sqlite3";
import { PrismaClient } from "../generated/prisma/client";
import { migrationsDir, type DatabaseConfig } from "./config";
import { DatabaseUnavailable } from "./faults";
import { groupCommits } from "./group-commit";
import { migrateFile } from "./migrate-sqlite";
import { withStatementCache } from "./statement-cache";
import { healthTracker, transactions } from "./transactions";
import type { Database } from "./types";
import { memoizedUntilChange } from "./unless-changed";

// What /health asks the database: the same as `read.saga.findFirst({ select: { id: true } })`.
const PROBE = "SELECT id FROM sagas LIMIT 1";
const BUSY_TIMEOUT_MS = 5_000;

export async function openSqlite(config: Extract<DatabaseConfig, { provider: "sqlite" }>): Promise<Database> {
  const { file } = config;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  migrateFile(file, migrationsDir());
  const { dev, ino } = fs.statSync(file);

  const stats = { transactions: 0, commits: 0, statements: 0 };
  // Each client's better-sqlite3 connection, as the statement cache sees the adapter open it.
  const connections: { writer?: Connection; reader?: Connection } = {};
  // Known only through the statement cache, which reaches into the adapter's private shape. Unknown, it
  // is an error, never a guess: a transaction SQLite had rolled back, taken for open, would let the rest
  // of a group commit one by one, and the earlier members' writes be lost.
  const connection = (which: keyof typeof connections): Connection => {
    const found = connections[which];
    if (!found)
      throw new Error(
        `The ${which}'s SQLite connection is unknown: ` +
          "Prisma's better-sqlite3 adapter no longer has the shape lib/db/statement-cache.ts expects",
      );
    return found;
  };
  const writer = new PrismaClient({
    errorFormat: "minimal",
    adapter: withStatementCache(
      new PrismaBetterSqlite3({ url: `file:${file}`, timeout: BUSY_TIMEOUT_MS }),
      stats,
      (opened) => (connections.writer = opened),
    ),
  });
  // Per-connection settings, sent before the writer takes any transaction. (journal_mode=WAL is a
  // property of the file, set by the migration runner; better-sqlite3 enforces foreign keys by default.)
  await writer.$executeRawUnsafe("PRAGMA synchronous = NORMAL");
  // SQLite's data_version changes on this connection when any other connection commits to the file.
  const unlessChanged = memoizedUntilChange(() => (connection("reader").prepare("PRAGMA data_version").all() as unknown[][])[0]?.[0]);
  const reader = new PrismaClient({
    errorFormat: "minimal",
    adapter: withStatementCache(
      new PrismaBetterSqlite3({ url: `file:${file}`, readonly: true, timeout: BUSY_TIMEOUT_MS }),
      stats,
      (opened) => (connections.reader = opened),
    ),
  });

  // Both connections open now, not at the first query: the health check must judge the file they
  // opened (a file removed later must not be recreated, empty, by a lazy connect).
  await reader.$connect();
  // Both are known by now, or the start stops here, rather than at the first write.
  connection("writer");
  connection("reader");

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

  const health = healthTracker();
  const queue = groupCommits(
    transactions(writer, stats, health),
    () => {
      // A write into a file that is no longer at DATABASE_URL would be lost at the next start: refuse it.
      const problem = fileProblem();
      if (!problem) return undefined;
      const refused = new DatabaseUnavailable(problem);
      health.failed(refused);
      return refused;
    },
    () => connection("writer").inTransaction,
  );

  return {
    provider: "sqlite",
    replicated: config.replicated,
    file,
    fileProblem,
    writeHealth: health.get,
    read: reader,
    // Straight on the reader's connection, the one Prisma reads through: /health is asked often (a load
    // balancer, the bench), and a Prisma call costs 0.3 ms of a request where this costs a hundredth.
    // What the probe reads changes only with a commit: while none has happened since, its answer stands.
    // (A probe that throws is not kept: the next one asks again. prepare is the statement cache's: the
    // statement is prepared once.)
    probe: () =>
      unlessChanged("health probe", async () => {
        connection("reader").prepare(PROBE).all();
      }),
    unlessChanged,
    write: queue.write,
    stats,
    async close() {
      await queue.idle();
      await Promise.allSettled([writer.$disconnect(), reader.$disconnect()]);
    },
  };
}
