// Runs `prisma generate` after `npm install`, for both clients: SQLite's (prisma/schema.prisma) and
// PostgreSQL's (prisma/postgresql/schema.prisma, derived from it first: scripts/prisma-schemas.mjs).
// Generating a client never starts Prisma's schema engine, but the CLI insists on finding one and would
// download it from a host this machine cannot reach; pointing PRISMA_SCHEMA_ENGINE_BINARY at any
// existing file satisfies the check offline. A user who set the variable (or has the engine) keeps their own.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { postgresSchema, sqliteSchema, writePostgresSchema } from "./prisma-schemas.mjs";

const env = { ...process.env };
env.PRISMA_SCHEMA_ENGINE_BINARY ??= fileURLToPath(import.meta.url);
env.PRISMA_HIDE_UPDATE_MESSAGE ??= "1";
env.CHECKPOINT_DISABLE ??= "1";

writePostgresSchema();
for (const schema of [sqliteSchema, postgresSchema]) {
  const result = spawnSync(process.execPath, ["node_modules/prisma/build/index.js", "generate", "--schema", schema], {
    stdio: "inherit",
    env,
  });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
