/**
 * Answers kept until the data changes: `Database.unlessChanged` over a version of the data that moves
 * with every commit (SQLite's data_version, lib/db/sqlite.ts). PostgreSQL has no such version to hand and
 * reads every time. And a question shared while it is being asked: `sharedWhilePending`.
 */
import type { Database } from "./types";

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

/**
 * `ask` as one question at a time: whoever calls while an answer is pending gets that answer, and the
 * first call after it settles (resolved or rejected) asks again. For a check whose answer may be a
 * moment old but must come from the database (PostgreSQL's health probe: ten load balancers' checks
 * at once cost one query), never for data a caller may have just written (it could miss the write).
 */
export function sharedWhilePending<T>(ask: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () =>
    (pending ??= ask().finally(() => {
      pending = undefined;
    }));
}
