/**
 * The live feeds of the order sagas' event log, for the API's Server-Sent Events (lib/api/sse.ts): one
 * saga's events from its first, or every saga's from now on (the dashboard).
 */
import type { EventFeed } from "../api/sse";
import type { SagaEvent } from "../api/responses";
import { eventsAfter, latestEventId, subscribe } from "../saga/events";
import { eventView } from "./queries";
import { ready } from "./ready";

const PAGE_SIZE = 500;

function feed(read: Awaited<ReturnType<typeof ready>>["read"], sagaId?: string): EventFeed<SagaEvent> {
  return {
    pageSize: PAGE_SIZE,
    async after(cursor) {
      return (await eventsAfter(read, cursor, sagaId, PAGE_SIZE)).map(eventView);
    },
    async start() {
      return sagaId === undefined ? latestEventId(read) : 0;
    },
    subscribe({ wake, reset }) {
      return subscribe((signal) => {
        if (signal.type === "reset") reset();
        else if (sagaId === undefined || signal.sagaId === sagaId) wake();
      });
    },
  };
}

/** Every order saga's transitions, from now on, and resets. */
export async function allSagasFeed(): Promise<EventFeed<SagaEvent>> {
  return feed((await ready()).read);
}

/** One saga's events from its first; null when there is no such saga. */
export async function sagaFeed(sagaId: string): Promise<EventFeed<SagaEvent> | null> {
  const { read } = await ready();
  if (!(await read.saga.findUnique({ where: { id: sagaId }, select: { id: true } }))) return null;
  return feed(read, sagaId);
}
