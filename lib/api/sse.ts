/**
 * Server-Sent Events from a feed of event-log rows. A stream first sends what the client has not seen
 * (everything after its Last-Event-ID), then wakes whenever the feed says something committed and sends
 * the new rows: a transition reaches the browser as soon as it is committed, and a reconnecting
 * EventSource resumes exactly where it stopped, without losing or repeating an event. What the rows are
 * and where they come from is the feed's business (lib/orders/live.ts).
 */
import { EventIdSchema } from "./schemas";

const encoder = new TextEncoder();
// Wakes a stream even without a signal, in case another process wrote to the same database.
const POLL_MS = 2_000;
const HEARTBEAT_MS = 15_000;

export interface EventFeed<Row extends { id: number }> {
  /** Rows after `cursor`, oldest first, at most `pageSize` of them. */
  after(cursor: number): Promise<Row[]>;
  pageSize: number;
  /** Where a stream starts when the client names no resume point. */
  start(): Promise<number>;
  /** Calls `wake` after each commit that may concern this feed, `reset` after a reset; returns the unsubscribe. */
  subscribe(listeners: { wake(): void; reset(): void }): () => void;
}

/** The id to resume after: the Last-Event-ID header (set by EventSource on reconnect) or `?after=`. */
export function resumePoint(request: Request): number | undefined {
  const raw = request.headers.get("last-event-id") ?? new URL(request.url).searchParams.get("after");
  const id = raw === null ? undefined : EventIdSchema.safeParse(raw.trim());
  return id?.success ? Number(id.data) : undefined;
}

export async function eventStreamResponse<Row extends { id: number }>(request: Request, feed: EventFeed<Row>): Promise<Response> {
  let cursor = resumePoint(request) ?? (await feed.start());
  let stop = () => {};

  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      let open = true;
      const send = (text: string) => {
        if (open) controller.enqueue(encoder.encode(text));
      };
      // One read at a time per stream; a wake during a read asks for one more pass after it.
      let reading: Promise<void> | undefined;
      let again = false;
      const flush = () => {
        if (reading) {
          again = true;
          return;
        }
        reading = (async () => {
          do {
            again = false;
            for (let more = true; open && more; ) {
              const rows = await feed.after(cursor);
              for (const row of rows) {
                send(`id: ${row.id}\nevent: saga\ndata: ${JSON.stringify(row)}\n\n`);
                cursor = row.id;
              }
              more = rows.length === feed.pageSize;
            }
          } while (open && again);
        })()
          .catch(() => {
            // The database is unavailable for now (GET /health says why); the next wake or poll tries again.
          })
          .finally(() => (reading = undefined));
      };
      const unsubscribe = feed.subscribe({ wake: flush, reset: () => send(`event: reset\ndata: {}\n\n`) });
      const poll = setInterval(flush, POLL_MS);
      const heartbeat = setInterval(() => send(`: keep-alive\n\n`), HEARTBEAT_MS);
      stop = () => {
        if (!open) return;
        open = false;
        unsubscribe();
        clearInterval(poll);
        clearInterval(heartbeat);
        try {
          controller.close();
        } catch {
          // already closed by the client
        }
      };
      request.signal.addEventListener("abort", stop);
      send(`retry: 1000\n\n`);
      flush();
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
