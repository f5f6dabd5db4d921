import { handle, methodsNotAllowed } from "@/lib/api/handler";
import { jsonResponse } from "@/lib/api/json";
import type { ResetResponse } from "@/lib/api/responses";
import { resetDemo } from "@/lib/orders/service";
import { worldOf } from "@/lib/orders/worlds";

export const dynamic = "force-dynamic";

// Resets the caller's world only: the shared one without a cookie, a browser's own with it.
export const POST = handle(async (request: Request) => {
  await resetDemo(await worldOf(request));
  return jsonResponse({ message: "Mock database reset to initial state." } satisfies ResetResponse);
});

export const { GET, PUT, PATCH, DELETE, OPTIONS } = methodsNotAllowed(["POST"]);
