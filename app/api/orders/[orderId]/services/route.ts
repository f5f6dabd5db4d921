import { notFound } from "@/lib/api/errors";
import { handle, methodsNotAllowed } from "@/lib/api/handler";
import { jsonResponse } from "@/lib/api/json";
import { orderServiceRecords } from "@/lib/orders/queries";

// What each service holds for the order (its reservation, charge and shipment, and what each moved):
// read by id, like the order itself, by whoever has its link.
export const dynamic = "force-dynamic";

export const GET = handle(async (_request: Request, { params }: { params: Promise<{ orderId: string }> }) => {
  const records = await orderServiceRecords((await params).orderId);
  return records ? jsonResponse(records) : notFound("Order not found");
});

export const { POST, PUT, PATCH, DELETE, OPTIONS } = methodsNotAllowed(["GET"]);
