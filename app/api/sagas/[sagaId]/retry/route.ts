import { errorResponse, notFound } from "@/lib/api/errors";
import { handle, methodsNotAllowed } from "@/lib/api/handler";
import { jsonResponse } from "@/lib/api/json";
import { requestedWorld } from "@/lib/api/world";
import { retryStuckSaga } from "@/lib/orders/service";

export const dynamic = "force-dynamic";

// An operator's retry of a saga stuck in compensation_failed; answers the saga once the retry has run.
// Only in the caller's world (its cookie's, or the shared one without): another world's saga is a 404.
export const POST = handle(async (request: Request, { params }: { params: Promise<{ sagaId: string }> }) => {
  const result = await retryStuckSaga((await params).sagaId, requestedWorld(request));
  switch (result.kind) {
    case "not_found":
      return notFound("Saga not found");
    case "not_stuck":
      return errorResponse(409, `Only a saga in compensation_failed can be retried; this one is ${result.status}`);
    case "refused":
      return errorResponse(409, result.reason);
    case "retried":
      return jsonResponse(result.saga);
  }
});

export const { GET, PUT, PATCH, DELETE, OPTIONS } = methodsNotAllowed(["POST"]);
