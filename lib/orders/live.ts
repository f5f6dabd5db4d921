/**
 * The live feeds of the order sagas' event log, for the API's Server-Sent Events (lib/api/sse.ts): one
 * saga's events from its first, or every saga's of one demo world from now on (the dashboard). Both follow the process's
 * one tail of the log (lib/saga/events.ts): a commit costs one read, however many streams are open,
 * and each row is turned into JSON once.
 */
import type { EventFeed, FeedItem } from "../api/sse";
import type { Reader } from "../saga/definition";
import { EVENT_PAGE, eventsAfter, eventTail, latestEventId, type SagaEventRow } from "../saga/events";
import { eventView } from "./queries";
import { ready } from "./ready";
import { DEFAULT_WORLD } from "../world-id";

// The tail hands the same row objects to every stream: serialize each once.
const items = new WeakMap<SagaEventRow, FeedItem>();
function item(row: SagaEventRow): FeedItem {
  let cached = items.get(row);
  if (!cached) {
    cached = { id: row.id, data: JSON.stringify(eventView(row)) };
    items.set(row, cached);
  }
  return cached;
}

// One delivery of the tail (the same array for every stream), split by world once: hundreds of streams
// of one world then share one list of items, and so one encoded chunk (lib/api/sse.ts).
const byWorld = new WeakMap<SagaEventRow[], Map<string, FeedItem[]>>();
function itemsOfWorld(rows: SagaEventRow[], world: string): FeedItem[] {
  let split = byWorld.get(rows);
  if (!split) {
    split = new Map();
    for (const row of rows) {
      const list = split.get(row.scope);
      if (list) list.push(item(row));
      else split.set(row.scope, [item(row)]);
    }
    byWorld.set(rows, split);
  }
  return split.get(world) ?? [];
}

/**
 * How far behind (in event ids, every world's) a dashboard stream may resume: a world's history has no
 * bound (the shared one's least of all), so a client further behind reads the state anew instead.
 */
export const DASHBOARD_MAX_BACKLOG = 1_000;

/** Every saga's feed in `world`, or (with `sagaId`) one saga's, which is in `world`. */
function feed(read: Reader, world: string, sagaId?: string): EventFeed {
  return {
    pageSize: EVENT_PAGE,
    // One saga's events are a few dozen at most: its stream always sends them all.
    maxBacklog: sagaId === undefined ? DASHBOARD_MAX_BACKLOG : undefined,
    async after(cursor) {
      return (await eventsAfter(read, cursor, sagaId === undefined ? { scope: world } : { sagaId })).map(item);
    },
    async start() {
      return sagaId === undefined ? latestEventId(read) : 0;
    },
    subscribe({ items: push, reset }) {
      return eventTail(read).subscribe({
        rows(rows) {
          const mine = sagaId === undefined ? itemsOfWorld(rows, world) : rows.filter((row) => row.sagaId === sagaId).map(item);
          if (mine.length > 0) push(mine);
        },
        // Another world's reset is none of this stream's business.
        reset(scope) {
          if (scope === world) reset();
        },
      });
    },
  };
}

/** Every order saga's transitions in a world, from now on, and the world's resets. */
export async function allSagasFeed(world = DEFAULT_WORLD): Promise<EventFeed> {
  return feed((await ready()).read, world);
}

/** One saga's events from its first; null when there is no such saga. */
export async function sagaFeed(sagaId: string): Promise<EventFeed | null> {
  if (sagaId.includes("\u0000")) return null;
  const { read } = await ready();
  const saga = await read.saga.findUnique({ where: { id: sagaId }, select: { scope: true } });
  return saga && feed(read, saga.scope, sagaId);
}
