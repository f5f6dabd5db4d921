import { handle, methodsNotAllowed } from "@/lib/api/handler";
import { jsonResponse } from "@/lib/api/json";
import type { InventoryResponse } from "@/lib/api/responses";
import { inventory } from "@/lib/orders/queries";

export const dynamic = "force-dynamic";

export const GET = handle(async () => jsonResponse({ inventory: await inventory() } satisfies InventoryResponse));

export const { POST, PUT, PATCH, DELETE, OPTIONS } = methodsNotAllowed(["GET"]);
