/**
 * What this process serves (SAGA_ROLE). By default, `all`: the app, its API and the three services, which
 * the order saga calls on loopback. Set to one service (`inventory`, `payment` or `shipping`), the
 * process serves that service alone, with the database DATABASE_URL names: a database per service.
 * Every other path answers FastAPI's 404 (lib/method-guard.ts), and the process drives no saga; the
 * orchestrator finds it where SAGA_<SERVICE>_URL says.
 */
import { ConfigError } from "./db/config";

export const roles = ["all", "inventory", "payment", "shipping"] as const;
export type Role = (typeof roles)[number];

/** SAGA_ROLE, checked: anything but a role stops the start (instrumentation.ts). */
export function serverRole(env: Record<string, string | undefined> = process.env): Role {
  const text = env.SAGA_ROLE;
  if (text === undefined || text === "") return "all";
  if ((roles as readonly string[]).includes(text)) return text as Role;
  throw new ConfigError(`SAGA_ROLE must be one of ${roles.join(", ")}; got "${text}"`);
}

// Beside its service, a service's process answers its health and its metrics.
const alwaysServed = new Set(["/health", "/api/health", "/metrics", "/api/metrics"]);

/** Whether a process of `role` serves `path` (a request's path, without its query). */
export function serves(role: Role, path: string): boolean {
  if (role === "all") return true;
  const own = `/services/${role}`;
  return path === own || path.startsWith(`${own}/`) || alwaysServed.has(path);
}
