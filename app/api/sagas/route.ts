import { parameterError } from "@/lib/api/errors";
import { handle, methodsNotAllowed } from "@/lib/api/handler";
import { listResponse } from "@/lib/api/list";
import { sagasPage } from "@/lib/orders/queries";
import { worldOf } from "@/lib/orders/worlds";
import { SagaStatusSchema } from "@/lib/saga/status";

export const dynamic = "force-dynamic";

// Sagas, newest first; ?status=compensation_failed lists the ones waiting for an operator; ?limit= and
// ?cursor= page through them.
export const GET = handle(async (request: Request) => {
  const raw = new URL(request.url).searchParams.get("status");
  const parsed = raw === null ? undefined : SagaStatusSchema.safeParse(raw);
  if (parsed && !parsed.success) {
    return parameterError(["query", "status"], SagaStatusSchema, parsed.error);
  }
  const status = parsed?.data;
  const world = await worldOf(request);
  return listResponse(request, (limit, cursor) => sagasPage(status, limit, cursor, world));
});

export const { POST, PUT, PATCH, DELETE, OPTIONS } = methodsNotAllowed(["GET"]);
