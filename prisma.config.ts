// Configuration for Prisma's CLI (generate, and migrate/studio for those with internet access).
// The app itself resolves the same DATABASE_URL in lib/db/config.ts.
import { defineConfig } from "prisma/config";

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "file:./data/saga-studio.db" },
});
