import { handle, methodsNotAllowed } from "@/lib/api/handler";
import { jsonResponse } from "@/lib/api/json";
import type { WorldResponse } from "@/lib/api/responses";
import { clientAddress } from "@/lib/api/world";
import { describeWorld, newWorld, worldOf } from "@/lib/orders/worlds";
import { newWorldId, WORLD_COOKIE, worldCookieOptions } from "@/lib/world-id";

export const dynamic = "force-dynamic";

// The caller's world: shared without a cookie, private with one (the header of the UI says which).
export const GET = handle(async (request: Request) => jsonResponse((await describeWorld(await worldOf(request))) satisfies WorldResponse));

// A new private world, and the cookie that names it: `curl -c jar -b jar -X POST .../world`.
export const POST = handle(async (request: Request) => {
  const world = newWorldId();
  await newWorld(world, clientAddress(request));
  const response = jsonResponse((await describeWorld(world)) satisfies WorldResponse, { status: 201 });
  const { maxAge, path, sameSite } = worldCookieOptions;
  response.headers.append(
    "set-cookie",
    `${WORLD_COOKIE}=${world}; Path=${path}; Max-Age=${maxAge}; HttpOnly; SameSite=${sameSite === "lax" ? "Lax" : sameSite}`,
  );
  return response;
});

export const { PUT, PATCH, DELETE, OPTIONS } = methodsNotAllowed(["GET", "POST"]);
