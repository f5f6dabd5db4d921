/**
 * Idempotency-Key, as a service keeps it: the first request with a key is done and its answer recorded
 * in the same transaction as its writes; a repeat with the same key and body is answered from that
 * record (replayed) and changes nothing; the same key with another body is refused with a 422. Each
 * service keeps its record in a table of its own (see `RequestLog`).
 */
import { createHash } from "node:crypto";
import type { Database, Tx } from "../db/client";
import { againIfTaken, isUniqueViolation } from "../db/faults";
import type { Answer } from "./answer";

/** A service's table of answered requests, by world and key. */
export interface RequestLog {
  find(tx: Tx, worldId: string, key: string): Promise<{ requestHash: string; status: number; body: string } | null>;
  record(
    tx: Tx,
    row: { worldId: string; key: string; requestHash: string; status: number; body: string; createdAt: Date },
  ): Promise<unknown>;
}

/** A request as a key covers it: the operation and its body. The same key with another of either is refused. */
export function requestHash(operation: string, body: unknown): string {
  return createHash("sha256")
    .update(`${operation}\n${JSON.stringify(body)}`)
    .digest("hex");
}

export const KEY_REUSED = "This Idempotency-Key was already used with a different request";

/**
 * Answers a mutating request once per key: `work` runs in a transaction of the service's own, and its
 * answer is recorded there too, a refusal included (a repeat gets the same refusal). A request that
 * throws records nothing: its repeat is tried anew.
 *
 * Most keys are new, so the work is done first and its record written after it, with no look for an
 * earlier one: a key that was answered before fails that write (its unique key), which rolls the work back
 * with it, and the request is then asked the careful way, the record looked for first. So is one whose
 * work met a unique key taken (two requests for one order at once, on PostgreSQL): the second finds what
 * the first made.
 */
export async function answerOnce(
  db: Database,
  log: RequestLog,
  worldId: string,
  key: string,
  request: { operation: string; body: unknown },
  work: (tx: Tx) => Promise<Answer>,
): Promise<Answer & { replayed: boolean }> {
  const hash = requestHash(request.operation, request.body);
  const doAndRecord = async (tx: Tx): Promise<Answer & { replayed: boolean }> => {
    const done = await work(tx);
    await log.record(tx, { worldId, key, requestHash: hash, status: done.status, body: JSON.stringify(done.body), createdAt: new Date() });
    return { ...done, replayed: false };
  };
  try {
    return await db.write(doAndRecord);
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
  }
  return againIfTaken(() =>
    db.write(async (tx) => {
      const earlier = await log.find(tx, worldId, key);
      if (!earlier) return doAndRecord(tx);
      if (earlier.requestHash !== hash) return { status: 422, body: { detail: KEY_REUSED }, replayed: false };
      return { status: earlier.status, body: JSON.parse(earlier.body) as unknown, replayed: true };
    }),
  );
}
