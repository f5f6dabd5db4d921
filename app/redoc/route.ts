import { handle, methodsNotAllowed } from "@/lib/api/handler";
import { redocPage } from "@/lib/docs/docs-pages";

export const dynamic = "force-dynamic";

// ReDoc on /openapi.json, as FastAPI serves it at /redoc; its script comes from /docs/assets.
export const GET = handle(() => redocPage());

export const { POST, PUT, PATCH, DELETE, OPTIONS } = methodsNotAllowed(["GET"]);
