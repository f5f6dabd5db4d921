import { handle, methodsNotAllowed } from "@/lib/api/handler";
import { jsonResponse } from "@/lib/api/json";
import type { ResetResponse } from "@/lib/api/responses";
import { resetDemo } from "@/lib/orders/service";

export const dynamic = "force-dynamic";

export const POST = handle(async () => {
  await resetDemo();
  return jsonResponse({ message: "Mock database reset to initial state." } satisfies ResetResponse);
});

export const { GET, PUT, PATCH, DELETE, OPTIONS } = methodsNotAllowed(["POST"]);
