// Runs before Next.js routes a request. A path with malformed percent-encoding (/orders/%ZZ) would
// make Next's router fail with a plain-text 500; on API paths it gets FastAPI's JSON 404 instead.
import { NextResponse, type NextRequest } from "next/server";

export function proxy(request: NextRequest) {
  try {
    decodeURIComponent(request.nextUrl.pathname);
    return NextResponse.next();
  } catch {
    return NextResponse.json({ detail: "Not Found" }, { status: 404 });
  }
}

export const config = {
  matcher: ["/api/:path*", "/orders/:path*", "/sagas/:path*", "/inventory/:path*", "/balances/:path*", "/health/:path*", "/reset/:path*"],
};
