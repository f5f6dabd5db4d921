/**
 * What the rest of the app knows of its database: the `Database` both providers open (lib/db/sqlite.ts,
 * lib/db/postgres.ts) and lib/db/client.ts hands out, and `Tx`, what `write` hands its function.
 */
import type { PrismaClient, Prisma } from "../generated/prisma/client";

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
  /** The SQL dialect. Whether other processes share the database is `replicated`, not this. */
  provider: "sqlite" | "postgresql";
  /**
   * Whether several processes (replicas) may share this database: then sagas are leased, a run keeps
   * its lease with a heartbeat, and recovery takes only the sagas nobody holds. False on SQLite, where
   * one process has the file.
   */
  replicated: boolean;
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
