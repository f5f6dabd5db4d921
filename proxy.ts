// Runs before Next.js routes a page request, and only then (API requests never pay for it):
// - a page view without a demo world gets one: a cookie naming a new private world (lib/world-id.ts),
//   which the API makes on its first use;
// - a timeline page is only read: any other method gets 405 rather than the page (Next.js renders a
//   dynamic page for PUT or DELETE alike, and answers OPTIONS with an empty 400).
// Malformed percent-encoding (/orders/%ZZ) and the methods Next.js cannot route (TRACE...) are answered
// before Next.js, by lib/method-guard.ts.
import { NextResponse, type NextRequest } from "next/server";
import { isWorldId, newWorldId, WORLD_COOKIE, worldCookieOptions } from "./lib/world-id";

const PAGE_METHODS = ["GET", "HEAD"];

export function proxy(request: NextRequest) {
  if (request.nextUrl.pathname.startsWith("/timeline/") && !PAGE_METHODS.includes(request.method)) {
    return NextResponse.json({ detail: "Method Not Allowed" }, { status: 405, headers: { allow: PAGE_METHODS.join(", ") } });
  }
  const response = NextResponse.next();
  if (PAGE_METHODS.includes(request.method) && !isWorldId(request.cookies.get(WORLD_COOKIE)?.value)) {
    response.cookies.set(WORLD_COOKIE, newWorldId(), worldCookieOptions);
  }
  return response;
}

export const config = {
  matcher: ["/", "/workflow", "/compare", "/timeline/:path*"],
};
