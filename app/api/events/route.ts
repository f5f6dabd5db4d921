import { handle, methodsNotAllowed } from "@/lib/api/handler";
import { eventStreamResponse } from "@/lib/api/sse";
import { allSagasFeed } from "@/lib/orders/live";
import { worldOf } from "@/lib/orders/worlds";

export const dynamic = "force-dynamic";

// Every saga's transitions in the caller's world as they commit, and its resets: what the dashboard's
// cards and lists follow.
export const GET = handle(async (request: Request) => eventStreamResponse(request, await allSagasFeed(await worldOf(request))));

export const { POST, PUT, PATCH, DELETE, OPTIONS } = methodsNotAllowed(["GET"]);
