import { handle, methodsNotAllowed } from "@/lib/api/handler";
import { jsonResponse } from "@/lib/api/json";
import { inventory } from "@/lib/orders/queries";

export const dynamic = "force-dynamic";

export const GET = handle(async () => jsonResponse({ inventory: await inventory() }));

export const { POST, PUT, PATCH, DELETE, OPTIONS } = methodsNotAllowed(["GET"]);
