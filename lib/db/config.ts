import path from "node:path";

export const DEFAULT_DATABASE_URL = "file:./data/saga-studio.db";

/** A configuration the app cannot start with: the start stops with this message. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

/** A positive number from the environment (`fallback` when unset or empty); anything else is a ConfigError. */
export function positiveSetting(env: Record<string, string | undefined>, name: string, fallback: number, integer: boolean): number {
  const text = env[name];
  if (text === undefined || text === "") return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
    throw new ConfigError(`${name} must be a positive ${integer ? "whole number" : "number"}; got "${text}"`);
  }
  return value;
}

/**
 * `provider` is the SQL dialect; `replicated` whether several processes may share the database (the
 * question the engine asks for leases, heartbeats and recovery), answered here once: a SQLite file has
 * one process, a PostgreSQL database any number of replicas.
 */
export type DatabaseConfig =
  | {
      provider: "sqlite";
      replicated: false;
      /** The SQLite file, resolved from the working directory. */
      file: string;
    }
  | {
      provider: "postgresql";
      replicated: true;
      /** The connection string, as given. */
      url: string;
      /** Where it points, without the password: for logs and /health. */
      label: string;
    };

/**
 * What DATABASE_URL names: `file:./data/x.db` (or `file:/abs/x.db`) is a SQLite file;
 * `postgresql://user:password@host:5432/db` (or `postgres://`) a PostgreSQL database. Anything else is
 * refused with a clear message rather than taken for a file path.
 */
export function databaseConfig(url = process.env.DATABASE_URL || DEFAULT_DATABASE_URL, name = "DATABASE_URL"): DatabaseConfig {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase();
  if (scheme === "postgresql" || scheme === "postgres") {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new ConfigError(`${name} is not a valid PostgreSQL URL; expected e.g. "postgresql://saga:secret@localhost:5432/saga"`);
    }
    if (!parsed.hostname || parsed.pathname.length <= 1) {
      throw new ConfigError(`${name} must name a PostgreSQL host and database, e.g. "postgresql://saga:secret@localhost:5432/saga"`);
    }
    return { provider: "postgresql", replicated: true, url, label: `postgresql://${parsed.host}${parsed.pathname}` };
  }
  if (scheme !== "file") {
    throw new ConfigError(
      `${name} must be a SQLite file URL such as "file:./data/saga-studio.db" ` +
        'or a PostgreSQL URL such as "postgresql://saga:secret@localhost:5432/saga"; ' +
        `got ${scheme ? `the scheme "${scheme}:"` : `"${url}"`}`,
    );
  }
  const file = url.replace(/^file:(\/\/)?/i, "").replace(/\?.*$/, "");
  if (file === "" || file === ":memory:") {
    throw new ConfigError(`${name} must name a file (the saga log has to outlive the process), e.g. "file:./data/saga-studio.db"`);
  }
  return { provider: "sqlite", replicated: false, file: path.resolve(/* turbopackIgnore: true */ file) };
}

/**
 * Where the services keep their data when this process serves them (by default, in a thread of their own:
 * lib/services/thread.ts): SERVICES_DATABASE_URL if set, else beside the app's own. On SQLite that is a
 * file of their own next to DATABASE_URL's (data/saga-studio.db, data/saga-studio-services.db): SQLite
 * lets one connection write a file at a time, and the services' thread must not wait on the
 * orchestrator's writes, nor it on theirs. On PostgreSQL, which takes writers side by side, the same database.
 */
export function servicesDatabaseUrl(env: Record<string, string | undefined> = process.env): string {
  const appUrl = env.DATABASE_URL || DEFAULT_DATABASE_URL;
  const app = databaseConfig(appUrl);
  const own = env.SERVICES_DATABASE_URL;
  if (own) {
    const services = databaseConfig(own, "SERVICES_DATABASE_URL");
    if (services.provider === "sqlite" && app.provider === "sqlite" && services.file === app.file)
      throw new ConfigError("SERVICES_DATABASE_URL must name another file than DATABASE_URL: a SQLite file takes one writer at a time");
    return own;
  }
  if (app.provider === "postgresql") return appUrl;
  const { dir, name, ext } = path.parse(app.file);
  return `file:${path.join(dir, `${name}-services${ext}`)}`;
}

/** The SQLite file that DATABASE_URL names (an error on PostgreSQL). */
export function databasePath(url?: string): string {
  const config = databaseConfig(url);
  if (config.provider !== "sqlite") throw new ConfigError("DATABASE_URL names a PostgreSQL database, not a SQLite file");
  return config.file;
}

/**
 * Where a provider's migrations live: beside the app, wherever the process was started from
 * (prisma/migrations, prisma/postgresql/migrations).
 */
export function migrationsDir(provider: DatabaseConfig["provider"] = "sqlite"): string {
  if (provider === "postgresql")
    return path.resolve(/* turbopackIgnore: true */ process.env.POSTGRES_MIGRATIONS_DIR || "prisma/postgresql/migrations");
  return path.resolve(/* turbopackIgnore: true */ process.env.MIGRATIONS_DIR || "prisma/migrations");
}
