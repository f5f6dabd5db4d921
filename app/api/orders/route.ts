import { errorResponse, parameterError, validationError } from "@/lib/api/errors";
import { handle, methodsNotAllowed, parseJsonBody } from "@/lib/api/handler";
import { jsonResponse } from "@/lib/api/json";
import { CreateOrderRequestSchema, IdempotencyKeySchema } from "@/lib/api/schemas";
import { listResponse } from "@/lib/api/list";
import { acceptedOrder, ordersPage } from "@/lib/orders/queries";
import { submitOrder } from "@/lib/orders/service";
import { worldOf } from "@/lib/orders/worlds";

export const dynamic = "force-dynamic";

export const POST = handle(async (request: Request) => {
  const parsed = await parseJsonBody(request, CreateOrderRequestSchema);
  if (!parsed.ok) return parsed.response;
  const keyHeader = request.headers.get("idempotency-key");
  const key = keyHeader === null ? undefined : IdempotencyKeySchema.safeParse(keyHeader, { reportInput: true });
  if (key && !key.success) {
    return parameterError(["header", "idempotency-key"], IdempotencyKeySchema, key.error);
  }
  // The UI starts a saga without waiting and follows its event stream; API clients get the seed's answer
  // (but for a step-by-step saga, answered at once: see submitOrder).
  const respondAsync = /\brespond-async\b/i.test(request.headers.get("prefer") ?? "");
  const submission = await submitOrder(parsed.data, { idempotencyKey: key?.data, respondAsync, world: await worldOf(request) });
  const replayed = "order" in submission ? { "idempotent-replayed": String(submission.order.replayed) } : undefined;
  switch (submission.kind) {
    case "invalid":
      return validationError(submission.details);
    case "accepted":
      return jsonResponse(acceptedOrder(submission.order.orderId, submission.order.sagaId), {
        status: 202,
        // A step-by-step order is answered so without the preference: it waits for continues.
        headers: {
          location: `/api/sagas/${submission.order.sagaId}`,
          ...(respondAsync ? { "preference-applied": "respond-async" } : {}),
          ...replayed,
        },
      });
    case "finished":
      return jsonResponse(submission.result, { status: 201, headers: replayed });
    case "limit":
      return errorResponse(429, submission.error.message, { "retry-after": String(submission.error.retryAfterSeconds) });
    case "conflict":
      return errorResponse(422, "This Idempotency-Key was already used with a different request body");
    case "draining":
      return errorResponse(503, "The server is shutting down; retry shortly", { "retry-after": "5" });
    case "paused":
      return errorResponse(
        503,
        `The server is shutting down: order ${submission.order.orderId} is recorded, and its saga finishes when the server starts again`,
        { "retry-after": "5", location: `/api/sagas/${submission.order.sagaId}`, ...replayed },
      );
    case "vanished":
      return errorResponse(409, "The order was removed by a reset while its saga ran");
  }
});

// Every order, most recent first, as the seed answers; ?limit= and ?cursor= page through them.
export const GET = handle(async (request: Request) => {
  const world = await worldOf(request);
  return listResponse(request, (limit, cursor) => ordersPage(limit, cursor, world));
});

export const { PUT, PATCH, DELETE, OPTIONS } = methodsNotAllowed(["GET", "POST"]);
