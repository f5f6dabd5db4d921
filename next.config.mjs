// The seed's API paths (/orders, /sagas/..., /health, ...) are served by the route handlers under
// /api, so both paths answer the same JSON: rewritten once no route file matches (afterFiles), so that
// the requests for /api/... and for the one seed path with a route file of its own (app/orders, the
// busiest) never pay for matching the rewrites. No page lives at these paths.
const seedPaths = ["orders", "sagas", "inventory", "balances", "health", "reset", "metrics", "world"];

/** @type {import('next').NextConfig} */
const nextConfig = {
  // NEXT_DIST_DIR lets two builds live side by side (a developer's and a test run's); .next otherwise.
  distDir: process.env.NEXT_DIST_DIR || ".next",
  // `npm start` and the Docker image both run <distDir>/standalone/server.js: the traced server and
  // only the node_modules it needs (scripts/build.mjs and the Dockerfile add the static assets).
  output: "standalone",
  // Files the app reads at run time by path, which the tracer cannot see. The standalone server runs
  // with its own folder as the cwd, so these land where the code looks for them ("prisma/migrations",
  // "node_modules/..."). The key "/*" matches every route (Next matches keys with `contains`).
  outputFileTracingIncludes: {
    "/*": [
      // applied at start-up by lib/db/migrate-sqlite.ts (MIGRATIONS_DIR, or ./prisma/migrations) and, on
      // PostgreSQL, lib/db/migrate-postgres.ts (POSTGRES_MIGRATIONS_DIR, or ./prisma/postgresql/migrations)
      "./prisma/migrations/**/*",
      "./prisma/postgresql/migrations/**/*",
      // the native addon better-sqlite3 loads through `bindings`, and Prisma's query compiler
      "./node_modules/better-sqlite3/build/Release/better_sqlite3.node",
      "./node_modules/@prisma/client/runtime/query_compiler_fast_bg.sqlite.*",
      "./node_modules/@prisma/client/runtime/query_compiler_fast_bg.postgresql.*",
      // served as files by /docs (Swagger UI) and /redoc
      "./node_modules/swagger-ui-dist/**/*",
      "./node_modules/redoc/bundles/redoc.standalone.js",
    ],
  },
  reactStrictMode: true,
  poweredByHeader: false,
  serverExternalPackages: ["better-sqlite3"],
  async rewrites() {
    return {
      afterFiles: seedPaths.flatMap((path) => [
        { source: `/${path}`, destination: `/api/${path}` },
        { source: `/${path}/:rest*`, destination: `/api/${path}/:rest*` },
      ]),
    };
  },
};

export default nextConfig;
