/**
 * Server-Sent Events read from the saga event log. A stream first sends what the client has not seen
 * (everything after its Last-Event-ID), then wakes whenever a writer publishes a commit and sends the
 * new rows: a transition reaches the browser as soon as it is committed, and a reconnecting
 * EventSource resumes exactly where it stopped, without losing or repeating an event.
 */
import { ready } from "../orders/ready";
import { EventIdSchema } from "./schemas";
import { eventsAfter, latestEventId, subscribe } from "../saga/events";

const encoder = new TextEncoder();
// Wakes a stream even without a signal, in case another process wrote to the same database.
const POLL_MS = 2_000;
const HEARTBEAT_MS = 15_000;

/** The id to resume after: the Last-Event-ID header (set by EventSource on reconnect) or `?after=`. */
export function resumePoint(request: Request): number | undefined {
  const raw = request.headers.get("last-event-id") ?? new URL(request.url).searchParams.get("after");
  const id = raw === null ? undefined : EventIdSchema.safeParse(raw.trim());
  return id?.success ? Number(id.data) : undefined;
}

/**
 * The stream of one saga's events (`sagaId`) or of every saga's (the dashboard). Without a resume
 * point, a saga's stream starts at its first event and the dashboard's at the newest.
 */
export function eventStreamResponse(request: Request, sagaId?: string): Response {
  const db = ready();
  let cursor = resumePoint(request) ?? (sagaId ? 0 : latestEventId(db));
  let stop = () => {};

  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      let open = true;
      const send = (text: string) => {
        if (open) controller.enqueue(encoder.encode(text));
      };
      const flush = () => {
        for (let more = true; open && more; ) {
          const rows = eventsAfter(db, cursor, sagaId);
          for (const row of rows) {
            send(`id: ${row.id}\nevent: saga\ndata: ${JSON.stringify(row)}\n\n`);
            cursor = row.id;
          }
          more = rows.length === 500;
        }
      };
      const unsubscribe = subscribe((signal) => {
        if (signal.type === "reset") send(`event: reset\ndata: {}\n\n`);
        else if (sagaId === undefined || signal.sagaId === sagaId) flush();
      });
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
