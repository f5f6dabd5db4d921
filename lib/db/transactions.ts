/**
 * One transaction, as both databases run them (lib/db/sqlite.ts through its group commit,
 * lib/db/postgres.ts directly): with a time limit, counted in `stats` when it commits, and reported to
 * the write health that /health reads.
 */
import type { PrismaClient } from "../generated/prisma/client";
import { describeFault, isDatabaseFault } from "./faults";
import type { Database, Tx, WriteHealth } from "./types";

// A transaction that takes longer than this is a bug (a network call inside it, say): Prisma rolls it back.
const TRANSACTION_TIMEOUT_MS = 10_000;

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

export type HealthTracker = ReturnType<typeof healthTracker>;

/** What `transactions` needs to know of a group commit: how many it takes in, how many of them committed, and a fault one met. */
export interface Grouped<T> {
  size: number;
  count(value: T): number;
  fault(value: T): unknown;
}

/**
 * One transaction on `client`, as both databases run them: rolled back past TRANSACTION_TIMEOUT_MS (for
 * each of the transactions it takes in: a group commit is several), counted in `stats` when it commits
 * (as `count` of its value says), and reported to `health` (a fault of the database, or its end).
 */
export function transactions(client: PrismaClient, stats: Database["stats"], health: HealthTracker) {
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

export type Transaction = ReturnType<typeof transactions>;
