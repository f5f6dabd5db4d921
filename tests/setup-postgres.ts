// In the PostgreSQL project: every test file runs on a database of its own, on the project's server.
import { inject } from "vitest";
// @ts-expect-error: a plain ES module shared with the bench
import { createDatabase } from "../scripts/postgres.mjs";

process.env.SAGA_TEST_POSTGRES_BASE = inject("postgresBase");
process.env.DATABASE_URL = createDatabase(process.env.SAGA_TEST_POSTGRES_BASE);
