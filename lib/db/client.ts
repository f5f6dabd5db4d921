/**
 * The app's one data layer: Prisma Client on SQLite, as two clients on two connections.
 *
 *   write(fn) ──> one queue ──> writer client (read-write connection): one interactive transaction at a time
 *                                (those waiting go in together, each in a savepoint: see groupCommits)
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
import { databaseConfig, migrationsDir, type DatabaseConfig } from "./config";
import { DatabaseUnavailable, describeFault, isDatabaseFault } from "./faults";
import { migrateFile } from "./migrate-sqlite";
import type { Database as Connection } from "better-sqlite3";
import { withStatementCache } from "./statement-cache";

// What /health asks the database: the same as `read.saga.findFirst({ select: { id: true } })`.
const PROBE = "SELECT id FROM sagas LIMIT 1";

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
  provider: "sqlite" | "postgresql";
  /** The SQLite file, resolved; on PostgreSQL, where the database is (without its password). */
  file: string;
  /** Whether the file at the path is still the one the connections opened (a file removed or replaced
   * later has another identity, or none); the reason if not. */
  fileProblem(): string | undefined;
  writeHealth(): WriteHealth;
  /** Reads outside any transaction: committed data only. */
  read: PrismaClient;
  /** Asks the database the least it can answer from its tables (a saga's id, if any): throws if it cannot. For /health. */
  probe(): Promise<void>;
  /**
   * `read()`'s answer, read again only once something has committed since it was last read under
   * `key` (by any connection, any process). On PostgreSQL, where no such signal is to hand, every call
   * reads. For small reads asked often: the stock and the balances every dashboard asks after each
   * commit.
   */
  unlessChanged<T>(key: string, read: () => Promise<T>): Promise<T>;
  /** Runs `fn` as one transaction, after every write queued before it; rolls back if it throws. */
  write<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  /**
   * How many transactions this process has committed, in how many commits of the database (a group
   * commit takes in several), and how many SQL statements both connections ran (for the bench).
   */
  stats: { transactions: number; commits: number; statements: number };
  /**
   * Tells every other process on the same database (PostgreSQL's NOTIFY), and hears them: how replicas
   * wake each other's live streams. Absent on SQLite, where one process has the file.
   */
  relay?: { send(message: string): void; listen(listener: (message: string) => void): () => void };
  close(): Promise<void>;
}

// A transaction that takes longer than this is a bug (a network call inside it, say): Prisma rolls it back.
const TRANSACTION_TIMEOUT_MS = 10_000;
const BUSY_TIMEOUT_MS = 5_000;

async function open(config: DatabaseConfig): Promise<Database> {
  if (config.provider === "postgresql") return (await import("./postgres")).openPostgres(config.url, config.label);
  return openSqlite(config.file);
}

/** Counts a failing write (or clears the count after one that worked), for /health. */
export function healthTracker() {
  let health: WriteHealth = { failing: false };
  return {
    get: () => health,
    succeeded() {
      if (health.failing) health = { failing: false };
    },
    failed(error: unknown) {
      if (isDatabaseFault(error)) health = { failing: true, reason: describeFault(error), since: health.since ?? new Date() };
    },
  };
}

/** What `transactions` needs to know of a group commit: how many it takes in, how many of them committed, and a fault one met. */
interface Grouped<T> {
  size: number;
  count(value: T): number;
  fault(value: T): unknown;
}

/**
 * One transaction on `client`, as both databases run them: rolled back past TRANSACTION_TIMEOUT_MS (for
 * each of the transactions it takes in: a group commit is several), counted in `stats` when it commits
 * (as `count` of its value says), and reported to `health` (a fault of the database, or its end).
 */
export function transactions(client: PrismaClient, stats: Database["stats"], health: ReturnType<typeof healthTracker>) {
  return async <T>(fn: (tx: Tx) => Promise<T>, group: Grouped<T> = { size: 1, count: () => 1, fault: () => undefined }): Promise<T> => {
    try {
      const timeout = TRANSACTION_TIMEOUT_MS * group.size;
      const result = await client.$transaction(fn, { timeout, maxWait: timeout });
      stats.transactions += group.count(result);
      stats.commits++;
      // A member of a group that the database refused still counts against its health, though the rest committed.
      const fault = group.fault(result);
      if (fault) health.failed(fault);
      else health.succeeded();
      return result;
    } catch (error) {
      health.failed(error);
      throw error;
    }
  };
}

// The most transactions one commit takes in: enough that a queue under load drains in a few commits,
// few enough that none waits long behind the others.
const MAX_GROUP = 8;

/**
 * The writer's queue, with group commit: the transactions queued while one commits go in together,
 * one after another inside one transaction of the database, each in a savepoint of its own, and the
 * database commits them at once. Each is still all or nothing: one that throws (a fault of the
 * database included) is rolled back to its savepoint and rejects with its error while the others go
 * on; none resolves before the commit, and if the commit fails, the others reject with its error. If
 * the database itself ends the transaction (SQLite rolls it all back on a full disk or an I/O error),
 * the whole group rejects with a fault, whatever its members made of the error. What it saves is the
 * BEGIN and the COMMIT of each (on SQLite a commit writes the log and often its pages; through Prisma
 * the two cost about 0.6 ms, as much as a saga's four steps' own writes), which is most of the cost of
 * a transition under load. `refuse` may refuse a group before it starts (the file is not the one
 * opened); `open` says whether the database's transaction is still open.
 */
export function groupCommits(transaction: ReturnType<typeof transactions>, refuse: () => Error | undefined, open: () => boolean) {
  interface Queued {
    fn: (tx: Tx) => Promise<unknown>;
    resolve(value: unknown): void;
    reject(error: unknown): void;
  }
  let queue: Queued[] = [];
  let draining: Promise<void> | undefined;

  async function commit(group: Queued[]): Promise<void> {
    const refused = refuse();
    if (refused) return group.forEach((entry) => entry.reject(refused));
    // What each one came to, in order: its value, or the error it threw (rolled back to its savepoint).
    type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };
    const outcomes: Outcome[] = [];
    // The database ended the transaction under its members: nothing of the group is in it any more.
    const lost = () => new DatabaseUnavailable("The database rolled back the transaction (a full disk or an I/O error?)");
    try {
      await transaction(
        async (tx) => {
          for (const entry of group) {
            // Alone, it needs no savepoint: if it throws, the whole transaction rolls back.
            if (group.length === 1) {
              outcomes.push({ ok: true, value: await entry.fn(tx) });
              break;
            }
            // Savepoints are SQL the model API has no call for; they stay here, in lib/db. Each member
            // opens one of the same name and none is released (the commit ends them all): ROLLBACK TO
            // goes back to the newest of that name, the start of the member that threw, a call saved.
            await tx.$executeRaw`SAVEPOINT grouped`;
            try {
              outcomes.push({ ok: true, value: await entry.fn(tx) });
            } catch (error) {
              if (!open()) throw isDatabaseFault(error) ? error : lost();
              await tx.$executeRaw`ROLLBACK TO grouped`;
              outcomes.push({ ok: false, error });
            }
            // A member may have caught the database's own rollback and gone on: its writes, and the
            // next member's, would then each commit alone, and the earlier ones' be gone.
            if (!open()) throw lost();
          }
          if (!open()) throw lost();
          return outcomes;
        },
        {
          size: group.length,
          count: (done: Outcome[]) => done.filter((outcome) => outcome.ok).length,
          fault: (done: Outcome[]) => done.find((outcome): outcome is { ok: false; error: unknown } => !outcome.ok && isDatabaseFault(outcome.error))?.error,
        },
      );
    } catch (error) {
      // Nothing of the group committed: each rejects with its own error if it threw one, else with this.
      group.forEach((entry, i) => {
        const outcome = outcomes[i];
        entry.reject(outcome && !outcome.ok ? outcome.error : error);
      });
      return;
    }
    group.forEach((entry, i) => {
      const outcome = outcomes[i];
      if (outcome.ok) entry.resolve(outcome.value);
      else entry.reject(outcome.error);
    });
  }

  async function drain(): Promise<void> {
    while (queue.length > 0) {
      // A turn of the event loop first: a transaction on SQLite runs through without one (every call
      // answers at once), so the requests that arrived meanwhile reach their writes only now, and join.
      await new Promise((resolve) => setImmediate(resolve));
      const group = queue.slice(0, MAX_GROUP);
      queue = queue.slice(group.length);
      // (commit settles every member itself; should it ever throw, they hear of it, and the queue goes on.)
      await commit(group).catch((error: unknown) => group.forEach((entry) => entry.reject(error)));
    }
    draining = undefined;
  }

  return {
    /** Runs `fn` as a transaction of its own, after every one queued before it; rolls back if it throws. */
    write<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        queue.push({ fn, resolve: resolve as (value: unknown) => void, reject });
        draining ??= drain();
      });
    },
    /** Resolves once every transaction queued so far has ended. */
    async idle(): Promise<void> {
      while (draining) await draining;
    },
  };
}

async function openSqlite(file: string): Promise<Database> {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  migrateFile(file, migrationsDir());
  const { dev, ino } = fs.statSync(file);

  const stats = { transactions: 0, commits: 0, statements: 0 };
  let writerConnection: Connection | undefined;
  const writer = new PrismaClient({
    errorFormat: "minimal",
    adapter: withStatementCache(new PrismaBetterSqlite3({ url: `file:${file}`, timeout: BUSY_TIMEOUT_MS }), stats, (connection) => (writerConnection = connection)),
  });
  // Per-connection settings, sent before the writer takes any transaction. (journal_mode=WAL is a
  // property of the file, set by the migration runner; better-sqlite3 enforces foreign keys by default.)
  await writer.$executeRawUnsafe("PRAGMA synchronous = NORMAL");
  let readerConnection: Connection | undefined;
  // SQLite's data_version changes on this connection when any other connection commits to the file.
  const unlessChanged = memoizedUntilChange(() => (readerConnection?.prepare("PRAGMA data_version").all() as unknown[][] | undefined)?.[0]?.[0]);
  const reader = new PrismaClient({
    errorFormat: "minimal",
    adapter: withStatementCache(new PrismaBetterSqlite3({ url: `file:${file}`, readonly: true, timeout: BUSY_TIMEOUT_MS }), stats, (connection) => (readerConnection = connection)),
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

  const health = healthTracker();
  const queue = groupCommits(transactions(writer, stats, health), () => {
    // A write into a file that is no longer at DATABASE_URL would be lost at the next start: refuse it.
    const problem = fileProblem();
    if (!problem) return undefined;
    const refused = new DatabaseUnavailable(problem);
    health.failed(refused);
    return refused;
  }, () => writerConnection?.inTransaction ?? true);

  return {
    provider: "sqlite",
    file,
    fileProblem,
    writeHealth: health.get,
    read: reader,
    // Straight on the reader's connection, the one Prisma reads through: /health is asked often (a load
    // balancer, the bench), and a Prisma call costs 0.3 ms of a request where this costs a hundredth.
    // What the probe reads changes only with a commit: while none has happened since, its answer stands.
    // (A probe that throws is not kept: the next one asks again.)
    probe: () =>
      unlessChanged("health probe", async () => {
        // (prepare is the statement cache's: the statement is prepared once.)
        if (readerConnection) readerConnection.prepare(PROBE).all();
        else await reader.saga.findFirst({ select: { id: true } });
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

// Enough for every world a server has open at once; the oldest key goes first beyond it.
const MAX_MEMOIZED = 1_000;

/** `unlessChanged` over a version of the data (undefined: unknown, read every time). */
export function memoizedUntilChange(version: () => unknown): Database["unlessChanged"] {
  const answers = new Map<string, { version: unknown; value: unknown }>();
  return async <T>(key: string, read: () => Promise<T>): Promise<T> => {
    const now = version();
    const known = answers.get(key);
    if (now !== undefined && known && known.version === now) return known.value as T;
    // Stored under the version seen before reading: anything that commits meanwhile makes the next call read again.
    const value = await read();
    if (now !== undefined) {
      answers.delete(key);
      if (answers.size >= MAX_MEMOIZED) answers.delete(answers.keys().next().value!);
      answers.set(key, { version: now, value });
    }
    return value;
  };
}

// One database per process, on globalThis: Next.js bundles instrumentation.ts and the route handlers
// separately, each with its own copy of this module, and both must share the connections and the queue.
const globalForDb = globalThis as unknown as { sagaStudioDatabase?: { file: string; database: Promise<Database> } };

/** The database DATABASE_URL names, opened (and migrated) on first use. */
export function database(): Promise<Database> {
  const config = databaseConfig();
  const file = config.provider === "sqlite" ? config.file : config.url;
  const current = globalForDb.sagaStudioDatabase;
  if (current && current.file === file) return current.database;
  const opening = open(config);
  globalForDb.sagaStudioDatabase = { file, database: opening };
  // A failed open is not cached: the next call tries again.
  opening.catch(() => {
    if (globalForDb.sagaStudioDatabase?.database === opening) globalForDb.sagaStudioDatabase = undefined;
  });
  return opening;
}

// Any fixed number: the key of the lock that orders event writes on PostgreSQL.
const EVENT_ORDER_LOCK = 72_390_512;

/**
 * Call in a transaction just before it writes to the event log. On PostgreSQL an id from a sequence is
 * taken when a row is inserted, not when it commits: two transactions could commit their events out of
 * id order, and a live stream that reads `id > last` would skip the one that committed late. A
 * transaction-scoped advisory lock, taken here and held to the commit, lets one event-writing
 * transaction at a time take ids, so ids commit in order (a rolled-back one leaves a gap nobody waits
 * for). The event write is the last thing a transition does, so the lock is held only briefly. SQLite
 * runs one write transaction at a time anyway: nothing to do.
 */
export async function orderEventWrites(tx: Tx): Promise<void> {
  const current = await globalForDb.sagaStudioDatabase?.database;
  // The model API cannot take a lock: a raw statement, kept here in lib/db with the rest of the SQL.
  if (current?.provider === "postgresql") await tx.$queryRaw`SELECT pg_advisory_xact_lock(${EVENT_ORDER_LOCK})::text`;
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
