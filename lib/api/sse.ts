/**
 * Server-Sent Events from a feed of event-log rows. A stream first sends what the client has not seen
 * (everything after its Last-Event-ID), then what the feed pushes as it commits: a transition reaches
 * the browser as soon as it is committed, and a reconnecting EventSource resumes exactly where it
 * stopped, without losing or repeating an event. What the rows are and where they come from is the
 * feed's business (lib/orders/live.ts: one read per commit for every stream of the process).
 */
import { EventIdSchema } from "./schemas";

const encoder = new TextEncoder();
const HEARTBEAT_MS = 15_000;

// Every stream sends the same frame for an item: encode it once (items are shared between streams).
const frames = new WeakMap<FeedItem, Uint8Array>();
function frame(item: FeedItem): Uint8Array {
  let bytes = frames.get(item);
  if (!bytes) {
    bytes = encoder.encode(`id: ${item.id}\nevent: saga\ndata: ${item.data}\n\n`);
    frames.set(item, bytes);
  }
  return bytes;
}

// A push of several items, to every stream that has sent none of them yet: one chunk, encoded once.
const chunks = new WeakMap<FeedItem[], Uint8Array>();
function chunkOf(items: FeedItem[]): Uint8Array {
  let bytes = chunks.get(items);
  if (!bytes) {
    bytes = items.length === 1 ? frame(items[0]) : Buffer.concat(items.map(frame));
    chunks.set(items, bytes);
  }
  return bytes;
}

/** One event, its JSON already serialized (once, however many streams send it). */
export interface FeedItem {
  id: number;
  data: string;
}

export interface EventFeed {
  /** Items after `cursor`, oldest first, at most `pageSize` of them: the backlog a stream reads itself. */
  after(cursor: number): Promise<FeedItem[]>;
  pageSize: number;
  /**
   * How far behind a client may resume (in event ids): one further behind (an old Last-Event-ID, or 0)
   * is not sent the history between, which has no bound, but a `resync` event, and goes on from now.
   */
  maxBacklog?: number;
  /** Where a stream starts when the client names no resume point. */
  start(): Promise<number>;
  /**
   * Pushes every item committed from now on (possibly some already read: a stream skips what it has
   * sent), and resets. Resolves with the unsubscribe once nothing committed later can be missed.
   */
  subscribe(listener: { items(items: FeedItem[]): void; reset(): void }): Promise<() => void>;
}

/** The id to resume after: the Last-Event-ID header (set by EventSource on reconnect) or `?after=`. */
export function resumePoint(request: Request): number | undefined {
  const raw = request.headers.get("last-event-id") ?? new URL(request.url).searchParams.get("after");
  const id = raw === null ? undefined : EventIdSchema.safeParse(raw.trim());
  return id?.success ? Number(id.data) : undefined;
}

export async function eventStreamResponse(request: Request, feed: EventFeed): Promise<Response> {
  const resumed = resumePoint(request);
  let cursor = resumed ?? (await feed.start());
  let resync = false;
  if (resumed !== undefined && feed.maxBacklog !== undefined) {
    const latest = await feed.start();
    // (Or ahead of the log: the database was reset or restored under the client.)
    if (latest - resumed > feed.maxBacklog || resumed > latest) {
      cursor = latest;
      resync = true;
    }
  }
  let stop = () => {};

  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      let open = true;
      const send = (text: string) => {
        if (open) controller.enqueue(encoder.encode(text));
      };
      // The items of one push go out as one chunk: one write to the socket, not one an event.
      const sendItems = (items: FeedItem[]) => {
        if (items.length === 0) return;
        // Items come oldest first. The usual case, a stream that is up to date: the chunk every such stream sends.
        if (items[0].id > cursor) {
          cursor = items[items.length - 1].id;
          if (open) controller.enqueue(chunkOf(items));
          return;
        }
        const chunk: Uint8Array[] = [];
        for (const item of items) {
          if (item.id <= cursor) continue;
          chunk.push(frame(item));
          cursor = item.id;
        }
        if (open && chunk.length > 0) controller.enqueue(chunk.length === 1 ? chunk[0] : Buffer.concat(chunk));
      };
      // Items pushed while the backlog is read wait for it, so that ids go out in order.
      let backlogRead = false;
      const waiting: FeedItem[] = [];
      let unsubscribe = () => {};
      const heartbeat = setInterval(() => send(`: keep-alive\n\n`), HEARTBEAT_MS);
      stop = () => {
        if (!open) return;
        open = false;
        unsubscribe();
        clearInterval(heartbeat);
        try {
          controller.close();
        } catch {
          // already closed by the client
        }
      };
      request.signal.addEventListener("abort", stop);
      send(`retry: 1000\n\n`);
      // Too far behind to be sent what it missed: the client reads the state anew, and follows from here.
      // Its id moves the client's Last-Event-ID here, so that a reconnect resumes from here, not again from too far back.
      if (resync) send(`event: resync\nid: ${cursor}\ndata: ${JSON.stringify({ after: cursor })}\n\n`);
      (async () => {
        const unsubscribeFeed = await feed.subscribe({
          items: (items) => (backlogRead ? sendItems(items) : waiting.push(...items)),
          reset: () => send(`event: reset\ndata: {}\n\n`),
        });
        if (!open) return unsubscribeFeed();
        unsubscribe = unsubscribeFeed;
        for (let more = true; open && more;) {
          const items = await feed.after(cursor);
          sendItems(items);
          more = items.length === feed.pageSize;
        }
        backlogRead = true;
        sendItems(waiting.splice(0));
      })().catch(() => stop());
    },
    cancel() {
      stop();
    },
  });

  return new Response(stream, {
    headers: {
      "content-type": "text/event-stream; charset=utf-8",
      // no-transform keeps Next's gzip from buffering the stream
      "cache-control": "no-cache, no-transform",
      connection: "keep-alive",
      "x-accel-buffering": "no",
    },
  });
}

export function wantsEventStream(request: Request): boolean {
  return (request.headers.get("accept") ?? "").includes("text/event-stream");
}
