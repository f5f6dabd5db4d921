// The PostgreSQL project's one server (tests/postgres.ts): started before its test files, removed after.
// Each file makes a database of its own on it (tests/setup-postgres.ts).
import type { TestProject } from "vitest/node";
import { startPostgres } from "./postgres";

declare module "vitest" {
  export interface ProvidedContext {
    postgresBase: string;
  }
}

export default async function setup(project: TestProject) {
  const server = await startPostgres();
  project.provide("postgresBase", server.url("").replace(/\/$/, ""));
  return () => server.stop();
}
