/**
 * Which demo world a request names: the one its `saga_world` cookie names, or the shared default world
 * when it has none, as every curl line of the README does (lib/orders/worlds.ts makes it ready).
 */
import { PEER_ADDRESS_HEADER } from "../method-guard";
import { worldOfCookieHeader } from "../world-id";

/**
 * The client's address, for the budget of new worlds: the peer's, or behind a reverse proxy of yours
 * (SAGA_TRUST_PROXY=true) the first X-Forwarded-For hop, which only such a proxy can be trusted to write.
 */
export function clientAddress(request: Request): string {
  if (process.env.SAGA_TRUST_PROXY === "true") {
    const forwarded = request.headers.get("x-forwarded-for")?.split(",")[0]?.trim();
    if (forwarded) return forwarded;
  }
  return request.headers.get(PEER_ADDRESS_HEADER) ?? "unknown";
}

/** The world the request's cookie names; a cookie that names none (absent, or not an id) means the shared world. */
export function requestedWorld(request: Request): string {
  return worldOfCookieHeader(request.headers.get("cookie"));
}
