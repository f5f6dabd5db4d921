import { errorResponse } from "@/lib/api/errors";
import { handle, methodsNotAllowed, parseJsonBody } from "@/lib/api/handler";
import { jsonResponse } from "@/lib/api/json";
import { CreateOrderRequestSchema } from "@/lib/api/schemas";
import { acceptedOrder, listOrders } from "@/lib/orders/queries";
import { placeOrder, startOrder } from "@/lib/orders/service";

export const dynamic = "force-dynamic";

export const POST = handle(async (request: Request) => {
  const parsed = await parseJsonBody(request, CreateOrderRequestSchema);
  if (!parsed.ok) return parsed.response;
  // The UI starts a saga without waiting and follows its event stream; API clients get the seed's answer.
  if (/\brespond-async\b/i.test(request.headers.get("prefer") ?? "")) {
    const { orderId, sagaId } = startOrder(parsed.data);
    return jsonResponse(acceptedOrder(orderId, sagaId), {
      status: 202,
      headers: { location: `/api/sagas/${sagaId}`, "preference-applied": "respond-async" },
    });
  }
  const result = await placeOrder(parsed.data);
  if (!result) return errorResponse(409, "The order was removed by a reset while its saga ran");
  return jsonResponse(result, { status: 201 });
});

export const GET = handle(async () => jsonResponse(await listOrders()));

export const { PUT, PATCH, DELETE, OPTIONS } = methodsNotAllowed(["GET", "POST"]);
