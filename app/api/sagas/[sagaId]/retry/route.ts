import { errorResponse, notFound } from "@/lib/api/errors";
import { handle, methodsNotAllowed } from "@/lib/api/handler";
import { jsonResponse } from "@/lib/api/json";
import { retryStuckSaga } from "@/lib/orders/service";

export const dynamic = "force-dynamic";

// An operator's retry of a saga stuck in compensation_failed; answers the saga once the retry has run.
export const POST = handle(async (_request: Request, { params }: { params: Promise<{ sagaId: string }> }) => {
  const result = await retryStuckSaga((await params).sagaId);
  switch (result.kind) {
    case "not_found":
      return notFound("Saga not found");
    case "not_stuck":
      return errorResponse(409, `Only a saga in compensation_failed can be retried; this one is ${result.status}`);
    case "retried":
      return jsonResponse(result.saga);
  }
});

export const { GET, PUT, PATCH, DELETE, OPTIONS } = methodsNotAllowed(["POST"]);
