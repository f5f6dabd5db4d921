import { notFound } from "@/lib/api/errors";
import { handle, methodsNotAllowed } from "@/lib/api/handler";
import { jsonResponse } from "@/lib/api/json";
import type { SagaEventLog } from "@/lib/api/responses";
import { eventStreamResponse, wantsEventStream } from "@/lib/api/sse";
import { sagaFeed } from "@/lib/orders/live";
import { sagaEvents } from "@/lib/orders/queries";

export const dynamic = "force-dynamic";

// One saga's event log: a live stream for EventSource (Accept: text/event-stream), JSON otherwise.
export const GET = handle(async (request: Request, { params }: { params: Promise<{ sagaId: string }> }) => {
  const { sagaId } = await params;
  if (wantsEventStream(request)) {
    const feed = await sagaFeed(sagaId);
    return feed ? eventStreamResponse(request, feed) : notFound("Saga not found");
  }
  const events = await sagaEvents(sagaId);
  return events ? jsonResponse({ events } satisfies SagaEventLog) : notFound("Saga not found");
});

export const { POST, PUT, PATCH, DELETE, OPTIONS } = methodsNotAllowed(["GET"]);
