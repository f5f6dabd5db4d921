/**
 * Starts the production server (the standalone server.js, as `npm start` and the Docker image run it)
 * on a free port with its own database, for tests that go through HTTP: the seed's paths, rewrites and
 * route handlers included. The global set-up has built it and put the static assets beside it.
 */
// @ts-expect-error: a plain ES module shared with the bench
import { createDatabase } from "../scripts/postgres.mjs";
import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import net from "node:net";
import os from "node:os";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
/** As scripts/build.mjs lays it out: <distDir>/standalone/server.js. */
export const serverJs = path.join(root, process.env.NEXT_DIST_DIR || ".next", "standalone", "server.js");

export interface TestServer {
  url: string;
  port: number;
  databaseUrl: string;
  output: () => string;
  /** Stops the server: SIGTERM by default, SIGKILL to simulate a crash. */
  stop: (signal?: NodeJS.Signals) => Promise<void>;
  /** Freezes the server (SIGSTOP), as a long pause of its process or its machine would; resume() thaws it. */
  pause: () => void;
  resume: () => void;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
    probe.on("error", reject);
  });
}

export function tempDatabaseUrl(): string {
  // In the PostgreSQL project: a database of its own on the project's server.
  if (process.env.SAGA_TEST_POSTGRES_BASE) return createDatabase(process.env.SAGA_TEST_POSTGRES_BASE);
  return `file:${path.join(os.tmpdir(), `saga-studio-http-${randomUUID()}.db`)}`;
}

export interface StartOptions {
  databaseUrl?: string;
  /** The port to listen on (a restart on the port it had); default a free one. */
  port?: number;
  env?: Record<string, string>;
  /**
   * "npm start": the way the README tells a user to start the app (scripts/start.mjs, which lays out the
   * environment for server.js), in a process group of its own so that a signal reaches the whole of it.
   * Default: server.js directly, as the Docker image runs it.
   */
  launch?: "server.js" | "npm start";
}

/**
 * This process's environment, for a server a test starts: without the address of the in-process tests'
 * services (tests/setup-env.ts), since a server serves its own.
 */
export function inheritedEnv(): NodeJS.ProcessEnv {
  const { SAGA_SERVICES_URL: _ownServices, ...env } = process.env;
  return env;
}

export async function startServer(options: StartOptions = {}): Promise<TestServer> {
  const port = options.port ?? (await freePort());
  const databaseUrl = options.databaseUrl ?? tempDatabaseUrl();
  const env = {
    ...inheritedEnv(),
    SAGA_DELAY_SCALE: "0",
    LOG_LEVEL: "INFO",
    NEXT_MANUAL_SIG_HANDLE: "true",
    ...options.env,
    DATABASE_URL: databaseUrl,
    PORT: String(port),
    HOSTNAME: "127.0.0.1",
  };
  const viaNpm = options.launch === "npm start";
  const child: ChildProcess = viaNpm
    ? spawn("npm", ["start", "--silent"], { cwd: root, env, stdio: ["ignore", "pipe", "pipe"], detached: true })
    : spawn(process.execPath, [serverJs], { cwd: path.dirname(serverJs), env, stdio: ["ignore", "pipe", "pipe"] });
  /** npm, scripts/start.mjs and server.js are one group: a crash (SIGKILL) or a pause (SIGSTOP) takes them all. */
  const signal = (name: NodeJS.Signals) => (viaNpm ? process.kill(-child.pid!, name) : child.kill(name));
  let output = "";
  child.stdout?.on("data", (chunk) => (output += chunk));
  child.stderr?.on("data", (chunk) => (output += chunk));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited early:\n${output}`);
    try {
      const response = await fetch(`${url}/health`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      signal("SIGKILL");
      throw new Error(`server did not become healthy:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    port,
    databaseUrl,
    output: () => output,
    stop: async (name = "SIGTERM") => {
      if (child.exitCode === null && child.signalCode === null) signal(name);
      await exited;
    },
    pause: () => signal("SIGSTOP"),
    resume: () => signal("SIGCONT"),
  };
}
