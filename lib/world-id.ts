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
