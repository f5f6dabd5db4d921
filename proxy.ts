// Runs before Next.js routes a page request, and only then (API requests never pay for it):
// - a page view without a demo world gets one: a cookie naming a new private world (lib/world-id.ts),
//   which the API makes on its first use;
// - a timeline page is only read: any other method gets 405 rather than the page (Next.js renders a
//   dynamic page for PUT or DELETE alike, and answers OPTIONS with an empty 400).
// Malformed percent-encoding (/orders/%ZZ) and the methods Next.js cannot route (TRACE...) are answered
// before Next.js, by lib/method-guard.ts.
import { NextResponse, type NextRequest } from "next/server";
import { DEFAULT_WORLD, newWorldId, WORLD_COOKIE, worldCookieOptions, worldOfCookieHeader } from "./lib/world-id";

const PAGE_METHODS = ["GET", "HEAD"];

export function proxy(request: NextRequest) {
  if (request.nextUrl.pathname.startsWith("/timeline/") && !PAGE_METHODS.includes(request.method)) {
    return NextResponse.json({ detail: "Method Not Allowed" }, { status: 405, headers: { allow: PAGE_METHODS.join(", ") } });
  }
  const response = NextResponse.next();
  // The same reading of the cookie as the API's (lib/world-id.ts): a page and its calls see one world.
  if (PAGE_METHODS.includes(request.method) && worldOfCookieHeader(request.headers.get("cookie")) === DEFAULT_WORLD) {
    response.cookies.set(WORLD_COOKIE, newWorldId(), worldCookieOptions);
  }
  return response;
}

export const config = {
  matcher: ["/", "/workflow", "/compare", "/timeline/:path*"],
};
