import { validationError, zodDetails } from "@/lib/api/errors";
import { handle, methodsNotAllowed } from "@/lib/api/handler";
import { jsonResponse } from "@/lib/api/json";
import { listSagas } from "@/lib/orders/queries";
import { SagaStatusSchema } from "@/lib/saga/status";

export const dynamic = "force-dynamic";

// Every saga, newest first; ?status=compensation_failed lists the ones waiting for an operator.
export const GET = handle(async (request: Request) => {
  const raw = new URL(request.url).searchParams.get("status");
  const status = raw === null ? undefined : SagaStatusSchema.safeParse(raw);
  if (status && !status.success) {
    return validationError(zodDetails(status.error, SagaStatusSchema).map((d) => ({ ...d, loc: ["query", "status"] })));
  }
  return jsonResponse(await listSagas(status?.data));
});

export const { POST, PUT, PATCH, DELETE, OPTIONS } = methodsNotAllowed(["GET"]);
