import path from "node:path";

export const DEFAULT_DATABASE_URL = "file:./data/saga-studio.db";

/** A configuration the app cannot start with: the start stops with this message. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

export interface DatabaseConfig {
  provider: "sqlite";
  /** The SQLite file, resolved from the working directory. */
  file: string;
}

/**
 * What DATABASE_URL names: `file:./data/x.db` (or `file:/abs/x.db`) is a SQLite file. Anything else is
 * refused with a clear message rather than taken for a file path (`postgresql://...` would otherwise
 * create a folder named `postgresql:`).
 */
export function databaseConfig(url = process.env.DATABASE_URL || DEFAULT_DATABASE_URL): DatabaseConfig {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase();
  if (scheme !== "file") {
    throw new ConfigError(
      `DATABASE_URL must be a SQLite file URL such as "file:./data/saga-studio.db"; got ${scheme ? `the scheme "${scheme}:"` : `"${url}"`}`,
    );
  }
  const file = url.replace(/^file:(\/\/)?/i, "").replace(/\?.*$/, "");
  if (file === "" || file === ":memory:") {
    throw new ConfigError("DATABASE_URL must name a file (the saga log has to outlive the process), e.g. \"file:./data/saga-studio.db\"");
  }
  return { provider: "sqlite", file: path.resolve(/* turbopackIgnore: true */ file) };
}

/** The SQLite file that DATABASE_URL names. */
export function databasePath(url?: string): string {
  return databaseConfig(url).file;
}

/** Where prisma/migrations lives: beside the app, wherever the process was started from. */
export function migrationsDir(): string {
  return path.resolve(/* turbopackIgnore: true */ process.env.MIGRATIONS_DIR || "prisma/migrations");
}
