import { handle, methodsNotAllowed } from "@/lib/api/handler";
import { swaggerUiPage } from "@/lib/docs/docs-pages";

export const dynamic = "force-dynamic";

// Swagger UI on /openapi.json, as FastAPI serves it at /docs; its files come from /docs/assets.
export const GET = handle(() => swaggerUiPage());

export const { POST, PUT, PATCH, DELETE, OPTIONS } = methodsNotAllowed(["GET"]);
