// The PostgreSQL project's one server (scripts/postgres.mjs): started before its test files, removed
// after. Each file makes a database of its own on it (tests/setup-postgres.ts).
import type { TestProject } from "vitest/node";
// @ts-expect-error: a plain ES module shared with the bench
import { startPostgres } from "../scripts/postgres.mjs";

declare module "vitest" {
  export interface ProvidedContext {
    postgresBase: string;
  }
}

export default async function setup(project: TestProject) {
  const server = await startPostgres();
  project.provide("postgresBase", server.base);
  return () => server.stop();
}
