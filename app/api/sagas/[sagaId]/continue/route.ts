import { errorResponse, notFound } from "@/lib/api/errors";
import { handle, methodsNotAllowed } from "@/lib/api/handler";
import { jsonResponse } from "@/lib/api/json";
import { requestedWorld } from "@/lib/api/world";
import { continueWaitingSaga } from "@/lib/orders/service";

export const dynamic = "force-dynamic";

// Step by step: lets a paused saga go on with its next transition; answers the saga once it has begun.
// Only in the caller's world (its cookie's, or the shared one without): another world's saga is a 404.
export const POST = handle(async (request: Request, { params }: { params: Promise<{ sagaId: string }> }) => {
  const result = await continueWaitingSaga((await params).sagaId, requestedWorld(request));
  switch (result.kind) {
    case "not_found":
      return notFound("Saga not found");
    case "not_waiting":
      return errorResponse(409, `This saga is not waiting for a continue; it is ${result.status}`);
    case "continued":
      return jsonResponse(result.saga);
  }
});

export const { GET, PUT, PATCH, DELETE, OPTIONS } = methodsNotAllowed(["POST"]);
