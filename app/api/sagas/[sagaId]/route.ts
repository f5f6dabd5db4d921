import { notFound } from "@/lib/api/errors";
import { handle, methodsNotAllowed } from "@/lib/api/handler";
import { jsonResponse } from "@/lib/api/json";
import { findSaga } from "@/lib/orders/queries";

export const dynamic = "force-dynamic";

export const GET = handle(async (_request: Request, { params }: { params: Promise<{ sagaId: string }> }) => {
  const saga = await findSaga((await params).sagaId);
  return saga ? jsonResponse(saga) : notFound("Saga not found");
});

export const { POST, PUT, PATCH, DELETE, OPTIONS } = methodsNotAllowed(["GET"]);
