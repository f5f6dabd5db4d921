// The bench's harness: it starts the servers it measures (the standalone server on throw-away
// databases, a bare route handler for comparison), finds their ports, removes what they leave, and runs
// the bench's TypeScript scripts. The servers come in two kinds of target, SQLite and PostgreSQL, with
// one interface, so that every part runs the same on either:
//   start(env, nodeArgs)  one server on a database of its own: { url, child, databaseUrl, stop() }
//   deploy(count, env, database)  `count` servers on `database`, or on a new one: { servers, urls, stop() }
//   engineDatabase()      a database for scripts/bench-engine.ts (undefined: it makes its own SQLite file)
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { root, serverJs, serverNodeOptions, standaloneDir } from "../build.mjs";

// Every server of the bench may make as many demo worlds as it likes (the delays part makes one a client).
export const GENEROUS = { SAGA_WORLDS_PER_MINUTE: "100000" };
/** The seed's delays off: every saga runs as fast as the data layer lets it. */
export const DELAYS_OFF = { SAGA_DELAY_SCALE: "0" };

function freePort() {
  return new Promise((resolve) => {
    const probe = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/** Resolves once `url` answers 200 (a server starting), or after 30 s. */
async function answering(url) {
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Removes a SQLite database file and its journal files. */
export function removeSqlite(file) {
  // With the services' own file beside it (lib/db/config.ts servicesDatabaseUrl).
  const services = file.replace(/(\.db)?$/, "-services.db");
  for (const f of [file, services]) for (const suffix of ["", "-wal", "-shm"]) fs.rmSync(`${f}${suffix}`, { force: true });
}

/** The standalone server, as `npm start` and the Docker image run it: on a SQLite file of its own unless `env` names a database. */
export async function startServer(env, nodeArgs = []) {
  const port = await freePort();
  const db = path.join(os.tmpdir(), `saga-studio-bench-${Date.now()}-${port}.db`);
  const child = spawn(process.execPath, [...nodeArgs, serverJs], {
    cwd: standaloneDir,
    env: {
      ...process.env,
      NODE_OPTIONS: serverNodeOptions(process.env.NODE_OPTIONS),
      DATABASE_URL: `file:${db}`,
      LOG_LEVEL: "ERROR",
      ...env,
      PORT: String(port),
      HOSTNAME: "127.0.0.1",
    },
    stdio: process.env.BENCH_SERVER_OUTPUT ? "inherit" : "ignore",
  });
  const url = `http://127.0.0.1:${port}`;
  await answering(`${url}/health`);
  return {
    url,
    child,
    databaseUrl: env.DATABASE_URL ?? `file:${db}`,
    stop: () => {
      child.kill("SIGKILL");
      removeSqlite(db);
    },
  };
}

/** Servers on SQLite: each on a throw-away file of its own. One process is all SQLite serves. */
export const sqlite = {
  name: "SQLite",
  start: (env = {}, nodeArgs) => startServer({ ...GENEROUS, ...env }, nodeArgs),
  async deploy(count, env = {}, database) {
    if (count !== 1) throw new Error("SQLite is served by one process");
    const server = await sqlite.start(database ? { ...env, DATABASE_URL: database } : env);
    return { servers: [server], urls: [server.url], stop: () => server.stop() };
  },
  engineDatabase: () => undefined,
};

/** Servers on the PostgreSQL server `postgres` (scripts/postgres.mjs): each start on a new database. */
export function onPostgres(postgres) {
  return {
    name: "PostgreSQL",
    start: (env = {}, nodeArgs) => startServer({ ...GENEROUS, ...env, DATABASE_URL: postgres.createDatabase() }, nodeArgs),
    // Replicas: servers on one database, each with a lease holder's name of its own.
    async deploy(count, env = {}, database = postgres.createDatabase()) {
      const servers = await Promise.all(
        Array.from({ length: count }, (_, i) =>
          startServer({ ...GENEROUS, ...env, DATABASE_URL: database, SAGA_REPLICA_ID: `bench-${i}` }),
        ),
      );
      return {
        servers,
        urls: servers.map((server) => server.url),
        stop: () => {
          for (const server of servers) server.stop();
        },
      };
    },
    engineDatabase: () => postgres.createDatabase(),
  };
}

/**
 * The ceiling a route handler can reach: a scratch app of one route handler (GET /api/ping, JSON),
 * built with the project's own Next.js and served by `next start`. Resolves with its URL and stop().
 */
export async function startBareHandler() {
  // Inside the project, so that Next.js (Turbopack) resolves it with the project's node_modules.
  const dir = path.join(root, ".bench-bare");
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(path.join(dir, "app", "api", "ping"), { recursive: true });
  fs.writeFileSync(
    path.join(dir, "app", "api", "ping", "route.js"),
    'export const dynamic = "force-dynamic";\nexport function GET() {\n  return Response.json({ status: "healthy" });\n}\n',
  );
  fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "bare", private: true, type: "module" }));
  // An instrumentation hook of its own, that does nothing: without it, Turbopack builds the app's (from
  // the root it finds up the tree), and the bare handler would start what the app starts.
  fs.writeFileSync(path.join(dir, "instrumentation.js"), "export function register() {}\n");
  const next = path.join(root, "node_modules", "next", "dist", "bin", "next");
  const built = spawnSync(process.execPath, [next, "build"], {
    cwd: dir,
    stdio: "ignore",
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
  });
  if (built.status !== 0) throw new Error("the bare route handler did not build");
  const port = await freePort();
  const child = spawn(process.execPath, [next, "start", "-p", String(port), "-H", "127.0.0.1"], {
    cwd: dir,
    stdio: "ignore",
    env: { ...process.env, NODE_ENV: "production" },
  });
  const url = `http://127.0.0.1:${port}`;
  await answering(`${url}/api/ping`);
  return {
    url,
    stop: () => {
      child.kill("SIGKILL");
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Runs one of the bench's TypeScript scripts (scripts/<script>, with jiti) and resolves with the JSON its
 * last line prints. Not spawnSync: the bench's idle keep-alive sockets must hear the servers close them
 * meanwhile, or the next request would go out on a dead one.
 */
export async function runScript(script, args, env) {
  const jiti = path.join(root, "node_modules", "jiti", "lib", "jiti-cli.mjs");
  const child = spawn(process.execPath, [jiti, path.join(root, "scripts", script), ...args.map(String)], {
    cwd: root,
    env: { ...process.env, LOG_LEVEL: "ERROR", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout.on("data", (chunk) => (out += chunk));
  child.stderr.on("data", (chunk) => (err += chunk));
  const code = await new Promise((resolve) => child.on("exit", resolve));
  if (code !== 0) throw new Error(`scripts/${script} failed:\n${err}`);
  return JSON.parse(out.trim().split("\n").at(-1));
}

/** Adds `count` completed orders to the database at `databaseUrl`, through the app's data layer (scripts/bench-history.ts). */
export function addHistory(server, count) {
  return runScript("bench-history.ts", [count], { DATABASE_URL: server.databaseUrl, SAGA_SERVICES_URL: server.url, SAGA_DELAY_SCALE: "0" });
}

/** A process's resident memory in MB (NaN once it is gone). */
export function rssMb(pid) {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
    return Number(/VmRSS:\s+(\d+)/.exec(status)[1]) / 1024;
  } catch {
    return NaN;
  }
}
