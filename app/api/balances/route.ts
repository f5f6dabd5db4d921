import { handle, methodsNotAllowed } from "@/lib/api/handler";
import { jsonResponse } from "@/lib/api/json";
import type { BalanceResponse, Body } from "@/lib/api/responses";
import { balances } from "@/lib/orders/queries";

export const dynamic = "force-dynamic";

export const GET = handle(async () => jsonResponse({ balances: await balances() } satisfies Body<BalanceResponse>));

export const { POST, PUT, PATCH, DELETE, OPTIONS } = methodsNotAllowed(["GET"]);
