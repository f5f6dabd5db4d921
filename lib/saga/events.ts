/**
 * The saga event log as a feed. Writers call `publish` after a transaction commits; live streams
 * `subscribe` and then read the new rows from the database (never a copy kept in memory), so what a
 * browser sees is exactly what is committed, and a reconnecting stream resumes from its last event id.
 */
import { EventEmitter } from "node:events";
import { all } from "../db/sql";
import type { Db } from "../db/sqlite";
import type { SagaEvent } from "../api/responses";

/**
 * A row of the log as the streams send it: the response schema's SagaEvent, which is also what the
 * JSON event log answers and what the browser folds (lib/saga/replay.ts's LogEvent).
 */
export type SagaEventRow = SagaEvent;

export type FeedSignal = { type: "event"; sagaId: string } | { type: "reset" };

const globalForFeed = globalThis as unknown as { sagaStudioFeed?: EventEmitter };
const feed = (globalForFeed.sagaStudioFeed ??= new EventEmitter().setMaxListeners(0));

export function publish(signal: FeedSignal): void {
  feed.emit("signal", signal);
}

export function subscribe(listener: (signal: FeedSignal) => void): () => void {
  feed.on("signal", listener);
  return () => feed.off("signal", listener);
}

const COLUMNS = `e.id, e.saga_id, s.order_id, e.position, e.step, e.phase, e.outcome, e.error, e.created_at`;

/** Events after `afterId`, oldest first: of one saga, or of all sagas when `sagaId` is undefined. */
export function eventsAfter(db: Db, afterId: number, sagaId?: string, limit = 500): SagaEventRow[] {
  const rows =
    sagaId === undefined
    ? all<SagaEventRow>(db, `SELECT ${COLUMNS} FROM saga_events e JOIN sagas s ON s.id = e.saga_id WHERE e.id > ? ORDER BY e.id LIMIT ?`, afterId, limit)
    : all<SagaEventRow>(
        db,
        `SELECT ${COLUMNS} FROM saga_events e JOIN sagas s ON s.id = e.saga_id WHERE e.saga_id = ? AND e.id > ? ORDER BY e.id LIMIT ?`,
        sagaId,
        afterId,
        limit,
      );
  // The same timestamp format as every other response (…Z), not the stored …+00:00.
  return rows.map((row) => ({ ...row, created_at: new Date(row.created_at).toISOString() }));
}

/** The newest event id, so a dashboard stream can start from "now". */
export function latestEventId(db: Db): number {
  return all<{ id: number | null }>(db, `SELECT MAX(id) AS id FROM saga_events`)[0]?.id ?? 0;
}
