import { handle, methodsNotAllowed } from "@/lib/api/handler";
import { openApiJson } from "@/lib/docs/openapi";

export const dynamic = "force-dynamic";

// The OpenAPI document, generated from the zod schemas (lib/docs/openapi.ts), as FastAPI serves its own.
export const GET = handle(() => new Response(openApiJson(), { headers: { "content-type": "application/json" } }));

export const { POST, PUT, PATCH, DELETE, OPTIONS } = methodsNotAllowed(["GET"]);
