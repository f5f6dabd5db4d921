import path from "node:path";

export const DEFAULT_DATABASE_URL = "file:./data/saga-studio.db";

/** The SQLite file that DATABASE_URL names (`file:./data/x.db`, or a bare path), resolved from the cwd. */
export function databasePath(url = process.env.DATABASE_URL || DEFAULT_DATABASE_URL): string {
  const file = url.replace(/^file:(\/\/)?/, "").replace(/\?.*$/, "");
  if (file === ":memory:") throw new Error("DATABASE_URL must name a file: the saga log has to outlive the process");
  return path.resolve(/* turbopackIgnore: true */ file);
}

/** Where prisma/migrations lives: beside the app, wherever the process was started from. */
export function migrationsDir(): string {
  return path.resolve(/* turbopackIgnore: true */ process.env.MIGRATIONS_DIR || "prisma/migrations");
}
