/**
 * Idempotency-Key, as a service keeps it: the first request with a key is done and its answer recorded
 * in the same transaction as its writes; a repeat with the same key and body is answered from that
 * record (replayed) and changes nothing; the same key with another body is refused with a 422. Each
 * service keeps its record in a table of its own (see `RequestLog`).
 */
import { createHash } from "node:crypto";
import type { Database, Tx } from "../db/client";
import { againIfTaken, isUniqueViolation } from "../db/faults";
import { insertRows, type RowTable } from "../db/insert-rows";
import type { Answer } from "./answer";

/** A row of a service's table of answered requests: the same columns in every service. */
export interface RequestRow {
  worldId: string;
  key: string;
  requestHash: string;
  status: number;
  body: string;
  createdAt: Date;
}

/**
 * A service's table of answered requests, by world and key: `find` reads it through the service's own
 * model, and `table` is where `answerOnce` writes each answer (one INSERT, lib/db/insert-rows.ts).
 */
export interface RequestLog {
  find(tx: Tx, worldId: string, key: string): Promise<{ requestHash: string; status: number; body: string } | null>;
  table: RowTable<RequestRow>;
}

/** The table of answered requests named `name` (schema.prisma maps each service's so). */
export function requestsTable(name: string): RowTable<RequestRow> {
  return {
    name,
    columns: { worldId: "world_id", key: "key", requestHash: "request_hash", status: "status", body: "body", createdAt: "created_at" },
  };
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
 * Most keys are new, and most orders too, so the work is done first, with `lookFirst` false, and its
 * record written after it, with no look for an earlier one: a key answered before fails that write (its
 * unique key), and a service's row for an order it already has fails the work's own write, each rolling
 * the work back with it. The request is then asked the careful way: the record looked for first, and the
 * work run with `lookFirst`, to look for what an earlier request for the order left before writing. So
 * is one that met a unique key taken by a concurrent request (on PostgreSQL): the second finds what the
 * first made.
 */
export async function answerOnce(
  db: Database,
  log: RequestLog,
  worldId: string,
  key: string,
  request: { operation: string; body: unknown },
  work: (tx: Tx, lookFirst: boolean) => Promise<Answer>,
): Promise<Answer & { replayed: boolean }> {
  const hash = requestHash(request.operation, request.body);
  const doAndRecord = async (tx: Tx, lookFirst: boolean): Promise<Answer & { replayed: boolean }> => {
    const done = await work(tx, lookFirst);
    await insertRows(tx, log.table, [
      { worldId, key, requestHash: hash, status: done.status, body: JSON.stringify(done.body), createdAt: new Date() },
    ]);
    return { ...done, replayed: false };
  };
  try {
    return await db.write((tx) => doAndRecord(tx, false));
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
  }
  return againIfTaken(() =>
    db.write(async (tx) => {
      const earlier = await log.find(tx, worldId, key);
      if (!earlier) return doAndRecord(tx, true);
      if (earlier.requestHash !== hash) return { status: 422, body: { detail: KEY_REUSED }, replayed: false };
      return { status: earlier.status, body: JSON.parse(earlier.body) as unknown, replayed: true };
    }),
  );
}
