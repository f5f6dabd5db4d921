/**
 * How long to wait before trying again, in one place: a step's retries (its RetryPolicy, with jitter),
 * a write the database refused (retryDatabaseFault), and a run that failed (recovery's backoff) all
 * double their wait each time, up to a cap.
 */
import { createHash } from "node:crypto";
import { describeFault, isDatabaseFault } from "../db/faults";
import type { RetryPolicy } from "./definition";
import { Interrupted, isDraining, sleep } from "./process";

/** `baseMs`, doubled for each try after the first (`tries` = 1, 2, ...), never more than `maxMs`. */
export function doubling(baseMs: number, maxMs: number, tries: number): number {
  return Math.min(maxMs, baseMs * 2 ** (tries - 1));
}

/** A step's backoff before its next attempt, with jitter from the saga, step and attempt: a run replays the same way. */
export function backoff(policy: RetryPolicy, attempt: number, seed: string): number {
  const jitter = createHash("sha256").update(`${seed}:${attempt}`).digest().readUInt16BE(0) / 0xffff;
  return doubling(policy.backoffMs, policy.maxBackoffMs, attempt) * (0.5 + jitter / 2);
}

// A write the database refused is tried again after this, doubling each time, up to the maximum.
const DATABASE_RETRY_MS = 100;
const DATABASE_RETRY_MAX_MS = 5_000;

export interface DatabaseRetry {
  /** Tries in all, the first included (default: until it commits, or the process shuts down). */
  tries?: number;
  /** Waits between tries (default: sleep, which shutdown cuts short). */
  pause?: (ms: number) => Promise<void>;
  /** Told of each fault that will be tried again, and of the wait before it. */
  onFault?: (fault: string, waitMs: number) => void;
  /** Told when a try succeeds after faults. */
  onRecovered?: () => void;
  /** A run's work: a fault at shutdown stops it with Interrupted (its saga resumes at the next start), not the fault. */
  interruptible?: boolean;
}

/**
 * The one policy for a fault of the database itself (a deadlock or a serialization failure on
 * PostgreSQL, a busy, full, read-only or vanished file): the same work is tried again, with a doubling
 * wait capped at 5 s, `tries` times or until it succeeds. Any other error, the last fault, and a fault
 * once the process is shutting down are thrown to the caller (`interruptible`: Interrupted, for the last).
 */
export async function retryDatabaseFault<T>(
  work: () => Promise<T>,
  { tries = Infinity, pause = sleep, onFault, onRecovered, interruptible = false }: DatabaseRetry = {},
): Promise<T> {
  for (let faults = 0; ;) {
    try {
      const result = await work();
      if (faults > 0) onRecovered?.();
      return result;
    } catch (error) {
      if (!isDatabaseFault(error) || ++faults >= tries) throw error;
      if (isDraining()) throw interruptible ? new Interrupted() : error;
      const waitMs = doubling(DATABASE_RETRY_MS, DATABASE_RETRY_MAX_MS, faults);
      onFault?.(describeFault(error), waitMs);
      await pause(waitMs);
    }
  }
}
