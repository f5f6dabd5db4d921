import { handle, methodsNotAllowed } from "@/lib/api/handler";
import { eventStreamResponse } from "@/lib/api/sse";

export const dynamic = "force-dynamic";

// Every saga's transitions as they commit, and resets: what the dashboard's cards and lists follow.
export const GET = handle((request: Request) => eventStreamResponse(request));

export const { POST, PUT, PATCH, DELETE, OPTIONS } = methodsNotAllowed(["GET"]);
