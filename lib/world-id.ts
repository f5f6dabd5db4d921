/**
 * A demo world's name, as the browser's cookie carries it: 16 random bytes in base64url, unguessable.
 * Free of server dependencies: proxy.ts hands a new one to a browser on its first page view.
 */
export const WORLD_COOKIE = "saga_world";

/** The shared world: the API's without a cookie, where the README's curl lines act. */
export const DEFAULT_WORLD = "default";

/** How long the browser keeps its cookie: a world unused for a day is removed, then made anew on return. */
export const WORLD_COOKIE_MAX_AGE_S = 30 * 24 * 60 * 60;

const WORLD_ID = /^[A-Za-z0-9_-]{22}$/;

export function isWorldId(value: string | undefined | null): value is string {
  return typeof value === "string" && WORLD_ID.test(value);
}

/**
 * The value of the cookie `name` in a Cookie header, read the way every reader of it here reads it (the
 * API, the pages and the proxy): its first occurrence, surrounding quotes removed, percent-decoded as
 * browsers' and Next.js's own parsers do. So a page never shows one world while the API acts in another.
 */
export function cookieValue(header: string | null | undefined, name: string): string | undefined {
  for (const part of (header ?? "").split(";")) {
    const index = part.indexOf("=");
    if (index <= 0 || part.slice(0, index).trim() !== name) continue;
    let value = part.slice(index + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    try {
      return decodeURIComponent(value);
    } catch {
      return value;
    }
  }
  return undefined;
}

/** The world a Cookie header names: its saga_world's, or the shared one when it names none. */
export function worldOfCookieHeader(header: string | null | undefined): string {
  return worldOfCookie(cookieValue(header, WORLD_COOKIE));
}

/** The world a cookie's value names: its own, or the shared one when it names none. */
export function worldOfCookie(value: string | undefined | null): string {
  return isWorldId(value) ? value : DEFAULT_WORLD;
}

export function newWorldId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** The cookie's attributes: HttpOnly (no script reads it), SameSite=Lax, for the whole site. */
export const worldCookieOptions = { httpOnly: true, sameSite: "lax", path: "/", maxAge: WORLD_COOKIE_MAX_AGE_S } as const;
