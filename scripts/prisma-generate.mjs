// Runs `prisma generate` after `npm install`. Generating the client never starts Prisma's schema
// engine, but the CLI insists on finding one and would download it from a host this machine cannot
// reach; pointing PRISMA_SCHEMA_ENGINE_BINARY at any existing file satisfies the check offline.
// A user who set the variable (or has the engine) keeps their own.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const env = { ...process.env };
env.PRISMA_SCHEMA_ENGINE_BINARY ??= fileURLToPath(import.meta.url);
env.PRISMA_HIDE_UPDATE_MESSAGE ??= "1";
env.CHECKPOINT_DISABLE ??= "1";

const result = spawnSync(process.execPath, ["node_modules/prisma/build/index.js", "generate"], {
  stdio: "inherit",
  env,
});
process.exit(result.status ?? 1);
