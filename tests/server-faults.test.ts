// What the server does when things around it go wrong: its database file removed, a SIGTERM with
// requests in flight, a configuration it cannot run with.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { spawn } from "node:child_process";
import { afterEach, expect, it } from "vitest";
import { databasePath } from "../lib/db/config";
import { call } from "./http";
import { freePort, inheritedEnv, serverJs, startServer, tempDatabaseUrl, type TestServer } from "./server";
import { until } from "./wait";

let server: TestServer | undefined;
afterEach(async () => {
  await server?.stop("SIGKILL");
  server = undefined;
});

const order = { user_id: "user_1", product_id: "product_1", quantity: 1, amount: 10 };

it("refuses every write and read with a 503 once its database file is removed, rather than lose them", async () => {
  server = await startServer();
  const file = databasePath(server.databaseUrl);
  for (const suffix of ["", "-wal", "-shm"]) fs.rmSync(`${file}${suffix}`, { force: true });

  const accepted = await call(server.url, "POST", "/orders", { json: order, headers: { prefer: "respond-async" } });
  expect(accepted.status, server.output()).toBe(503);
  expect(accepted.body.detail).toBe("The database is unavailable: Database file was removed while the server was running. Retry shortly.");
  expect(accepted.headers.get("retry-after")).toBe("5");
  for (const [method, url] of [
    ["POST", "/reset"],
    ["GET", "/orders"],
    ["GET", "/inventory"],
  ] as const) {
    const reply = await call(server.url, method, url);
    expect(reply.status, `${method} ${url}`).toBe(503);
    expect(reply.headers.get("content-type")).toMatch(/^application\/json/);
  }
  expect((await call(server.url, "GET", "/health")).body).toEqual({
    status: "unhealthy",
    detail: "Database file was removed while the server was running",
  });
  expect(fs.existsSync(file)).toBe(false);
});

// SIGTERM as an orchestrator sends it to server.js; SIGINT as Ctrl-C sends it to `npm start`'s whole
// process group (npm, scripts/start.mjs, server.js), which start.mjs then passes on again: server.js gets
// it twice, and the second must not cut the drain short.
it.each([
  { signal: "SIGTERM" as const, launch: "server.js" as const },
  { signal: "SIGINT" as const, launch: "npm start" as const },
])(
  "on $signal to $launch answers the requests in flight (503: the order is recorded) before it exits; the next start finishes them",
  async ({ signal, launch }) => {
    const databaseUrl = tempDatabaseUrl();
    // About twenty seconds a saga: none can finish before the signal. Shutdown cuts a step's work short.
    server = await startServer({ databaseUrl, launch, env: { SAGA_DELAY_SCALE: "40" } });
    // More waiting sagas than Node's default of ten listeners on one signal.
    const waiting = Array.from({ length: 12 }, () => call(server!.url, "POST", "/orders", { json: order }));
    // Every order recorded: then the signal.
    await until("every order recorded", async () => (await call(server!.url, "GET", "/orders?limit=20")).body.length === 12);
    const stopped = server.stop(signal);
    const replies = await Promise.all(waiting);
    await stopped;
    for (const reply of replies) {
      expect(reply.status).toBe(503);
      expect(reply.body.detail).toMatch(
        /^The server is shutting down: order [0-9a-f-]{36} is recorded, and its saga finishes when the server starts again$/,
      );
      expect(reply.headers.get("location")).toMatch(/^\/api\/sagas\/[0-9a-f-]{36}$/);
    }
    expect(server.output()).not.toContain("MaxListenersExceededWarning");

    server = await startServer({ databaseUrl });
    for (const reply of replies) {
      const location = reply.headers.get("location")!.replace(/^\/api/, "");
      await until(`saga ${location} completed`, async () => (await call(server!.url, "GET", location)).body.status === "completed");
    }
    expect((await call(server.url, "GET", "/inventory")).body.inventory.product_1).toBe(100 - replies.length);
  },
);

/** Starts server.js with `env` added, expecting it to refuse: its exit code and what it printed. */
async function refusedStart(env: Record<string, string>): Promise<{ code: unknown; output: string; cwd: string }> {
  const port = await freePort();
  const cwd = path.dirname(serverJs);
  const child = spawn(process.execPath, [serverJs], {
    cwd,
    env: { ...inheritedEnv(), ...env, PORT: String(port), HOSTNAME: "127.0.0.1", LOG_FORMAT: "text", LOG_LEVEL: "INFO" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk));
  child.stderr.on("data", (chunk) => (output += chunk));
  const code = await new Promise((resolve) => child.once("exit", resolve));
  return { code, output, cwd };
}

it("will not start with a DATABASE_URL it cannot use, and says why", async () => {
  const { code, output, cwd } = await refusedStart({ DATABASE_URL: "mysql://saga:secret@localhost:3306/saga" });
  expect(code).toBe(1);
  expect(output).toContain(
    'ERROR:startup:Cannot start: DATABASE_URL must be a SQLite file URL such as "file:./data/saga-studio.db" or a PostgreSQL URL such as "postgresql://saga:secret@localhost:5432/saga"; got the scheme "mysql:"',
  );
  expect(fs.existsSync(path.join(cwd, "mysql:"))).toBe(false);
});

it("will not start with a SERVICES_DATABASE_URL it cannot use, and says why", async () => {
  const { code, output } = await refusedStart({ SERVICES_DATABASE_URL: "file::memory:" });
  expect(code).toBe(1);
  expect(output).toContain(
    'ERROR:startup:Cannot start: SERVICES_DATABASE_URL must name a file (the saga log has to outlive the process), e.g. "file:./data/saga-studio.db"',
  );
});

it("will not start when the services' data cannot be opened, and says why", async () => {
  // A directory where their file would be: SQLite cannot open it.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "saga-studio-services-"));
  const { code, output } = await refusedStart({ DATABASE_URL: tempDatabaseUrl(), SERVICES_DATABASE_URL: `file:${dir}` });
  fs.rmSync(dir, { recursive: true, force: true });
  expect(code).toBe(1);
  expect(output).toMatch(/ERROR:startup:Cannot start the services: .+/);
});

it("will not start with a SAGA_ROLE it does not know, and says why", async () => {
  const { code, output } = await refusedStart({ SAGA_ROLE: "billing" });
  expect(code).toBe(1);
  expect(output).toContain('ERROR:startup:Cannot start: SAGA_ROLE must be one of all, inventory, payment, shipping; got "billing"');
});

it.each([
  ["SAGA_BODY_TIMEOUT_MS", "abc", "whole number"],
  ["SAGA_BODY_TIMEOUT_MS", "0", "whole number"],
  ["SAGA_WORLD_MAX_ORDERS", "lots", "whole number"],
  ["SAGA_CALLS_PER_SERVICE", "1.5", "whole number"],
  ["SAGA_BREAKER_COOLDOWN_SECONDS", "-1", "number"],
  ["SAGA_SERVICE_TIMEOUT_SECONDS", "soon", "number"],
])("will not start with %s=%s, and says why", async (name, value, kind) => {
  const { code, output } = await refusedStart({ [name]: value });
  expect(code).toBe(1);
  expect(output).toContain(`ERROR:startup:Cannot start: ${name} must be a positive ${kind}; got "${value}"`);
});
