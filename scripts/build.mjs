// Builds the production app when there is no build yet or the sources are newer than the last one,
// and lays out the standalone server the way the Docker image does (see prepareStandalone).
// Used by `npm start` (a fresh clone needs nothing but `npm install`) and by the tests' global set-up.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const nextBin = path.join(root, "node_modules", "next", "dist", "bin", "next");
/** next.config.mjs reads the same variable: the build directory, relative to the project. */
export const distDir = process.env.NEXT_DIST_DIR || ".next";
/** `output: "standalone"`: the self-contained server, what the Docker image copies to /app. */
export const standaloneDir = path.join(root, distDir, "standalone");
export const serverJs = path.join(standaloneDir, "server.js");
const buildId = path.join(root, distDir, "BUILD_ID");
// Written once the static assets are in place, with the BUILD_ID they belong to.
const preparedMarker = path.join(standaloneDir, ".prepared");
// Everything `next build` reads: a change to any of these makes the last build stale.
const sources = [
  "app",
  "lib",
  "components",
  "prisma",
  "public",
  "instrumentation.ts",
  "proxy.ts",
  "next.config.mjs",
  "postcss.config.mjs",
  "tailwind.config.ts",
  "tsconfig.json",
  "package.json",
];

function newestChange(entry) {
  if (!fs.existsSync(entry)) return 0;
  const stat = fs.statSync(entry);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return fs
    .readdirSync(entry)
    .filter((name) => name !== "generated" && !name.endsWith(".test.ts"))
    .reduce((newest, name) => Math.max(newest, newestChange(path.join(entry, name))), 0);
}

export function buildIsCurrent() {
  if (!fs.existsSync(buildId) || !fs.existsSync(serverJs)) return false;
  const built = fs.statSync(buildId).mtimeMs;
  return sources.every((source) => newestChange(path.join(root, source)) <= built);
}

function standaloneIsPrepared() {
  return fs.existsSync(preparedMarker) && fs.readFileSync(preparedMarker, "utf8") === fs.readFileSync(buildId, "utf8");
}

/**
 * `server.js` serves <distDir>/static and public/ only from beside itself; `next build` leaves them
 * out. Copies them in, exactly where the Dockerfile's runtime stage puts them.
 */
export function prepareStandalone() {
  const staticTarget = path.join(standaloneDir, distDir, "static");
  fs.rmSync(staticTarget, { recursive: true, force: true });
  fs.cpSync(path.join(root, distDir, "static"), staticTarget, { recursive: true });
  const publicDir = path.join(root, "public");
  if (fs.existsSync(publicDir)) {
    fs.rmSync(path.join(standaloneDir, "public"), { recursive: true, force: true });
    fs.cpSync(publicDir, path.join(standaloneDir, "public"), { recursive: true });
  }
  fs.writeFileSync(preparedMarker, fs.readFileSync(buildId, "utf8"));
}

const lock = path.join(root, `${distDir}-build.lock`);

function sleepSync(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Two processes (test workers, a server) may ask at once: one builds, the others wait for it. */
export function buildIfStale() {
  if (buildIsCurrent() && standaloneIsPrepared()) return;
  const deadline = Date.now() + 10 * 60_000;
  for (;;) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch (error) {
      if (error.code !== "EEXIST") throw error;
      if (Date.now() > deadline) throw new Error(`another build holds ${lock}; remove it if no build is running`);
      sleepSync(250);
    }
  }
  try {
    if (!buildIsCurrent()) {
      // Next.js's own output follows; it is quiet for most of the minute, so say what is going on first.
      console.log(
        fs.existsSync(buildId)
          ? "Rebuilding the app: the sources changed since the last build (about a minute)..."
          : "Building the app for the first start (about a minute)...",
      );
      const build = spawnSync(process.execPath, [nextBin, "build"], { cwd: root, stdio: "inherit" });
      if (build.status !== 0) throw new Error(`next build failed with exit code ${build.status}`);
      if (!fs.existsSync(serverJs)) throw new Error(`next build wrote no ${path.relative(root, serverJs)}: is output "standalone" set?`);
    }
    if (!standaloneIsPrepared()) prepareStandalone();
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

/**
 * The server's heap: V8 left to itself grows the heap for as long as the machine has memory, and
 * collects lazily (a server of 50 MB of live objects sat at 420 MB resident after a few thousand
 * orders). A ceiling on the old generation makes it collect sooner: about 260 MB resident, flat, at
 * the same speed (96 MB was slower). The Docker image sets the same (a test holds them equal); an
 * operator's own NODE_OPTIONS with a heap size wins.
 */
export const SERVER_HEAP = "--max-old-space-size=160";

export function serverNodeOptions(nodeOptions = "") {
  return nodeOptions.includes("--max-old-space-size") ? nodeOptions : `${SERVER_HEAP} ${nodeOptions}`.trim();
}

/**
 * The environment for server.js, which makes its own folder the cwd: a relative DATABASE_URL or
 * MIGRATIONS_DIR is resolved here, from where the command was started, so the database stays in
 * ./data and not inside the build (which the next build would wipe).
 */
export function standaloneEnv(env = process.env, cwd = process.cwd()) {
  const result = { ...env, NODE_OPTIONS: serverNodeOptions(env.NODE_OPTIONS) };
  // Only a SQLite file URL names a path to resolve. Anything else (a PostgreSQL URL, or a value the app
  // will refuse with a clear message, lib/db/config.ts) goes through as given: taken for a file path, a
  // "postgresql://..." URL became a SQLite database in a folder named "postgresql:".
  const resolved = (url) => {
    const sqlite = /^file:(\/\/)?(.*)$/i.exec(url);
    return sqlite && sqlite[2] !== "" && !sqlite[2].startsWith(":memory:") ? `file:${path.resolve(cwd, sqlite[2])}` : url;
  };
  result.DATABASE_URL = resolved(env.DATABASE_URL || "file:./data/saga-studio.db");
  if (env.SERVICES_DATABASE_URL) result.SERVICES_DATABASE_URL = resolved(env.SERVICES_DATABASE_URL);
  if (env.MIGRATIONS_DIR) result.MIGRATIONS_DIR = path.resolve(cwd, env.MIGRATIONS_DIR);
  if (env.POSTGRES_MIGRATIONS_DIR) result.POSTGRES_MIGRATIONS_DIR = path.resolve(cwd, env.POSTGRES_MIGRATIONS_DIR);
  return result;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) buildIfStale();
