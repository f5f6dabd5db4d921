import { handle, methodsNotAllowed } from "@/lib/api/handler";
import { jsonResponse } from "@/lib/api/json";
import type { BalanceResponse, Body } from "@/lib/api/responses";
import { balances } from "@/lib/orders/queries";
import { worldOf } from "@/lib/orders/worlds";

export const dynamic = "force-dynamic";

export const GET = handle(async (request: Request) =>
  jsonResponse({ balances: await balances(await worldOf(request)) } satisfies Body<BalanceResponse>),
);

export const { POST, PUT, PATCH, DELETE, OPTIONS } = methodsNotAllowed(["GET"]);
