// In the PostgreSQL project: every test file runs on a database of its own, on the project's server.
import { inject } from "vitest";
import { createDatabaseSync } from "./postgres";

process.env.SAGA_TEST_POSTGRES_BASE = inject("postgresBase");
process.env.DATABASE_URL = createDatabaseSync(process.env.SAGA_TEST_POSTGRES_BASE);
