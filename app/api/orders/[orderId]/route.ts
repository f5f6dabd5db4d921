import { notFound } from "@/lib/api/errors";
import { handle, methodsNotAllowed } from "@/lib/api/handler";
import { jsonResponse } from "@/lib/api/json";
import { findOrder } from "@/lib/orders/queries";

export const dynamic = "force-dynamic";

export const GET = handle(async (_request: Request, { params }: { params: Promise<{ orderId: string }> }) => {
  const order = await findOrder((await params).orderId);
  return order ? jsonResponse(order) : notFound("Order not found");
});

export const { POST, PUT, PATCH, DELETE, OPTIONS } = methodsNotAllowed(["GET"]);
