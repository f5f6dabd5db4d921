// Runs before Next.js routes a request. A path with malformed percent-encoding (/orders/%ZZ) would
// make Next's router fail with a plain-text 500; on API paths it gets FastAPI's JSON 404 instead, and
// on a timeline page a redirect to the timeline's own "Saga not found" (no saga id is malformed text;
// a rewrite would not do, the router still decodes the original path).
import { NextResponse, type NextRequest } from "next/server";

export function proxy(request: NextRequest) {
  try {
    decodeURIComponent(request.nextUrl.pathname);
    return NextResponse.next();
  } catch {
    if (request.nextUrl.pathname.startsWith("/timeline/")) return NextResponse.redirect(new URL("/timeline/malformed-saga-id", request.url));
    return NextResponse.json({ detail: "Not Found" }, { status: 404 });
  }
}

// /docs/assets/{file} too: its dynamic segment fails the same way (the other docs paths are static).
export const config = {
  matcher: [
    "/api/:path*",
    "/orders/:path*",
    "/sagas/:path*",
    "/inventory/:path*",
    "/balances/:path*",
    "/health/:path*",
    "/reset/:path*",
    "/metrics/:path*",
    "/timeline/:path*",
    "/docs/assets/:path*",
  ],
};
