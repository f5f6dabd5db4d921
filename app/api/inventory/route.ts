import { handle, methodsNotAllowed } from "@/lib/api/handler";
import { jsonResponse } from "@/lib/api/json";
import type { InventoryResponse } from "@/lib/api/responses";
import { inventory } from "@/lib/orders/queries";
import { worldOf } from "@/lib/orders/worlds";

export const dynamic = "force-dynamic";

export const GET = handle(async (request: Request) =>
  jsonResponse({ inventory: await inventory(await worldOf(request)) } satisfies InventoryResponse),
);

export const { POST, PUT, PATCH, DELETE, OPTIONS } = methodsNotAllowed(["GET"]);
