// Builds the production app when there is no build yet or the sources are newer than the last one.
// Used by `npm start` (a fresh clone needs nothing but `npm install`) and by the tests' global set-up.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const nextBin = path.join(root, "node_modules", "next", "dist", "bin", "next");
const buildId = path.join(root, process.env.NEXT_DIST_DIR || ".next", "BUILD_ID");
// Everything `next build` reads: a change to any of these makes the last build stale.
const sources = [
  "app",
  "lib",
  "components",
  "prisma",
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
  if (!fs.existsSync(buildId)) return false;
  const built = fs.statSync(buildId).mtimeMs;
  return sources.every((source) => newestChange(path.join(root, source)) <= built);
}

const lock = path.join(root, `${process.env.NEXT_DIST_DIR || ".next"}-build.lock`);

function sleepSync(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Two processes (test workers, a server) may ask at once: one builds, the others wait for it. */
export function buildIfStale() {
  if (buildIsCurrent()) return;
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
    if (buildIsCurrent()) return;
    console.log("INFO:build:Building the app (no build yet, or sources changed since the last one)...");
    const build = spawnSync(process.execPath, [nextBin, "build"], { cwd: root, stdio: "inherit" });
    if (build.status !== 0) throw new Error(`next build failed with exit code ${build.status}`);
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) buildIfStale();
