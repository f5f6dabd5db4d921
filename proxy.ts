// Runs before Next.js routes a request. A path with malformed percent-encoding (/orders/%ZZ) would
// make Next's router fail with a plain-text 500; on API paths it gets FastAPI's JSON 404 instead, and
// on a timeline page a redirect to the timeline's own "Saga not found" (no saga id is malformed text;
// a rewrite would not do, the router still decodes the original path).
// A timeline page is only read: any other method gets 405 rather than the page (Next.js renders a
// dynamic page for PUT or DELETE alike, and answers OPTIONS with an empty 400). Methods Next.js cannot
// route at all (TRACE...) never get here: lib/method-guard.ts answers them.
// A page view without a demo world gets one: a cookie naming a new private world (lib/world-id.ts),
// which the API makes on its first use. API calls never get one: without it they act in the shared world.
import { NextResponse, type NextRequest } from "next/server";
import { isWorldId, newWorldId, WORLD_COOKIE, worldCookieOptions } from "./lib/world-id";

const PAGE_METHODS = ["GET", "HEAD"];
const PAGES = /^\/(workflow\/?|compare\/?|timeline\/.*)?$/;

/** Hands a browser that has no world one of its own, on a page view. */
function withWorld(request: NextRequest, response: NextResponse): NextResponse {
  if (PAGES.test(request.nextUrl.pathname) && PAGE_METHODS.includes(request.method) && !isWorldId(request.cookies.get(WORLD_COOKIE)?.value)) {
    response.cookies.set(WORLD_COOKIE, newWorldId(), worldCookieOptions);
  }
  return response;
}

export function proxy(request: NextRequest) {
  if (request.nextUrl.pathname.startsWith("/timeline/") && !PAGE_METHODS.includes(request.method)) {
    return NextResponse.json({ detail: "Method Not Allowed" }, { status: 405, headers: { allow: PAGE_METHODS.join(", ") } });
  }
  try {
    decodeURIComponent(request.nextUrl.pathname);
    return withWorld(request, NextResponse.next());
  } catch {
    if (request.nextUrl.pathname.startsWith("/timeline/")) return NextResponse.redirect(new URL("/timeline/malformed-saga-id", request.url));
    return NextResponse.json({ detail: "Not Found" }, { status: 404 });
  }
}

// /docs/assets/{file} too: its dynamic segment fails the same way (the other docs paths are static).
export const config = {
  matcher: [
    "/",
    "/workflow",
    "/compare",
    "/api/:path*",
    "/orders/:path*",
    "/sagas/:path*",
    "/inventory/:path*",
    "/balances/:path*",
    "/health/:path*",
    "/reset/:path*",
    "/metrics/:path*",
    "/world/:path*",
    "/timeline/:path*",
    "/docs/assets/:path*",
  ],
};
