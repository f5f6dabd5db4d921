// The seed's API paths (/orders, /sagas/..., /health, ...) are served by the route handlers under
// /api, rewritten before any page is matched, so both paths answer the same JSON.
const seedPaths = ["orders", "sagas", "inventory", "balances", "health", "reset"];

/** @type {import('next').NextConfig} */
const nextConfig = {
  // NEXT_DIST_DIR lets two builds live side by side (a developer's and a test run's); .next otherwise.
  distDir: process.env.NEXT_DIST_DIR || ".next",
  reactStrictMode: true,
  poweredByHeader: false,
  serverExternalPackages: ["better-sqlite3"],
  async rewrites() {
    return {
      beforeFiles: seedPaths.flatMap((path) => [
        { source: `/${path}`, destination: `/api/${path}` },
        { source: `/${path}/:rest*`, destination: `/api/${path}/:rest*` },
      ]),
    };
  },
};

export default nextConfig;
