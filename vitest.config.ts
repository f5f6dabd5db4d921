import path from "node:path";
import { configDefaults, defineConfig } from "vitest/config";

// The suite runs on SQLite, the default; the engine's, the contract's, the crash and the concurrency
// tests run again on PostgreSQL (a throwaway server: tests/postgres.ts), with the replicas' own tests.
const onPostgres = [
  "lib/saga/orchestrator.test.ts",
  "lib/saga/remote-step.test.ts",
  "lib/saga/event-order.test.ts",
  "lib/saga/lease-loss.test.ts",
  "lib/saga/step-by-step.test.ts",
  "lib/db/schema-postgres.test.ts",
  "lib/db/insert-rows.test.ts",
  "lib/db/write-health.test.ts",
  "lib/db/query-plans.test.ts",
  "lib/orders/order-saga.test.ts",
  "lib/services/services.test.ts",
  "lib/orders/concurrency.test.ts",
  "tests/api-contract.test.ts",
  "tests/crash.test.ts",
  "tests/idempotency-key.test.ts",
  "tests/worlds.test.ts",
  "tests/replicas.test.ts",
  "tests/separate-services.test.ts",
];
// Only meaningful with several processes on one database.
const postgresOnly = [
  "lib/saga/event-order.test.ts",
  "lib/saga/lease-loss.test.ts",
  "lib/db/schema-postgres.test.ts",
  "tests/replicas.test.ts",
];

const shared = {
  setupFiles: ["tests/setup-env.ts"],
  globalSetup: ["tests/global-setup.ts"],
  pool: "forks" as const,
  testTimeout: 60_000,
  hookTimeout: 180_000,
};

export default defineConfig({
  resolve: { alias: { "@": path.resolve(import.meta.dirname) } },
  test: {
    projects: [
      {
        resolve: { alias: { "@": path.resolve(import.meta.dirname) } },
        test: {
          ...shared,
          name: "sqlite",
          include: ["lib/**/*.test.ts", "tests/**/*.test.ts"],
          exclude: [...configDefaults.exclude, ...postgresOnly],
        },
      },
      {
        resolve: { alias: { "@": path.resolve(import.meta.dirname) } },
        test: {
          ...shared,
          name: "postgresql",
          include: onPostgres,
          setupFiles: [...shared.setupFiles, "tests/setup-postgres.ts"],
          globalSetup: [...shared.globalSetup, "tests/global-postgres.ts"],
        },
      },
    ],
  },
});
