import { notFound } from "@/lib/api/errors";
import { handle, methodsNotAllowed } from "@/lib/api/handler";
import { jsonResponse } from "@/lib/api/json";
import type { SagaEventLog } from "@/lib/api/responses";
import { eventStreamResponse, wantsEventStream } from "@/lib/api/sse";
import { sagaEvents } from "@/lib/orders/queries";

export const dynamic = "force-dynamic";

// One saga's event log: a live stream for EventSource (Accept: text/event-stream), JSON otherwise.
export const GET = handle(async (request: Request, { params }: { params: Promise<{ sagaId: string }> }) => {
  const events = await sagaEvents((await params).sagaId);
  if (!events) return notFound("Saga not found");
  return wantsEventStream(request) ? eventStreamResponse(request, (await params).sagaId) : jsonResponse({ events } satisfies SagaEventLog);
});

export const { POST, PUT, PATCH, DELETE, OPTIONS } = methodsNotAllowed(["GET"]);
