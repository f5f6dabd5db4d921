import { handle, methodsNotAllowed } from "@/lib/api/handler";
import { eventStreamResponse } from "@/lib/api/sse";
import { allSagasFeed } from "@/lib/orders/live";

export const dynamic = "force-dynamic";

// Every saga's transitions as they commit, and resets: what the dashboard's cards and lists follow.
export const GET = handle(async (request: Request) => eventStreamResponse(request, await allSagasFeed()));

export const { POST, PUT, PATCH, DELETE, OPTIONS } = methodsNotAllowed(["GET"]);
