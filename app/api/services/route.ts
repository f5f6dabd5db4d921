import { handle, methodsNotAllowed } from "@/lib/api/handler";
import { jsonResponse } from "@/lib/api/json";
import { serviceStatus } from "@/lib/services/client";

export const dynamic = "force-dynamic";

// The services as this server's orchestrator sees them (health, breaker, calls): the dashboard's Services card.
export const GET = handle(async () => jsonResponse(serviceStatus()));

export const { POST, PUT, PATCH, DELETE, OPTIONS } = methodsNotAllowed(["GET"]);
