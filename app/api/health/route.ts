import { handle, methodsNotAllowed } from "@/lib/api/handler";
import { jsonResponse } from "@/lib/api/json";

export const dynamic = "force-dynamic";

export const GET = handle(() => jsonResponse({ status: "healthy" }));

export const { POST, PUT, PATCH, DELETE, OPTIONS } = methodsNotAllowed(["GET"]);
