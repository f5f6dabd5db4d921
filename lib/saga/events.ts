/**
 * The saga event log as a feed. Writers call `publish` after a transaction commits; live streams
 * `subscribe` and then read the new rows from the database (never a copy kept in memory), so what a
 * browser sees is exactly what is committed, and a reconnecting stream resumes from its last event id.
 */
import { EventEmitter } from "node:events";
import type { Reader } from "./definition";
import type { EventOutcome, EventPhase } from "./status";

/** A row of the event log, with the subject of its saga (the order, for the order saga). */
export interface SagaEventRow {
  id: number;
  sagaId: string;
  subjectId: string;
  position: number | null;
  step: string | null;
  phase: EventPhase;
  outcome: EventOutcome;
  error: string | null;
  createdAt: Date;
}

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

/** Events after `afterId`, oldest first: of one saga, or of all sagas when `sagaId` is undefined. */
export async function eventsAfter(read: Reader, afterId: number, sagaId?: string, limit = 500): Promise<SagaEventRow[]> {
  const rows = await read.sagaEvent.findMany({
    where: { id: { gt: afterId }, ...(sagaId === undefined ? {} : { sagaId }) },
    orderBy: { id: "asc" },
    take: limit,
    include: { saga: { select: { subjectId: true } } },
  });
  return rows.map(({ saga, ...row }) => ({ ...row, subjectId: saga.subjectId, phase: row.phase as EventPhase, outcome: row.outcome as EventOutcome }));
}

/** The newest event id, so a dashboard stream can start from "now". */
export async function latestEventId(read: Reader): Promise<number> {
  const newest = await read.sagaEvent.findFirst({ orderBy: { id: "desc" }, select: { id: true } });
  return newest?.id ?? 0;
}
