/**
 * `npm start` as a newcomer runs it: it says when the app can be opened, and where. (The global set-up
 * has built the app, so this start does not build; scripts/build.mjs announces a build when it runs one.)
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { expect, it } from "vitest";
// @ts-expect-error: a plain ES module, shared with `npm start`
import { standaloneEnv } from "../scripts/build.mjs";
import { freePort, inheritedEnv, tempDatabaseUrl } from "./server";

const root = path.resolve(import.meta.dirname, "..");

it("says that Saga Studio is ready, with the address to open, once /health answers", async () => {
  const port = await freePort();
  const child = spawn(process.execPath, [path.join(root, "scripts", "start.mjs")], {
    cwd: root,
    env: { ...inheritedEnv(), PORT: String(port), DATABASE_URL: tempDatabaseUrl(), LOG_LEVEL: "ERROR", SAGA_DELAY_SCALE: "0" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk));
  child.stderr.on("data", (chunk) => (output += chunk));
  const exited = new Promise((resolve) => child.once("exit", resolve));
  try {
    const line = `Saga Studio is ready on http://localhost:${port}`;
    const deadline = Date.now() + 45_000;
    while (!output.includes(line)) {
      if (child.exitCode !== null) throw new Error(`npm start exited:\n${output}`);
      if (Date.now() > deadline) throw new Error(`no "${line}" in 45 s:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    // Ready means ready: the address it names answers.
    const health = await fetch(`http://127.0.0.1:${port}/health`);
    expect(health.status).toBe(200);
    expect(output.split(line).length - 1, "said once").toBe(1);
  } finally {
    child.kill("SIGTERM");
    await exited;
  }
});

it("keeps the databases where the command was started: relative SQLite paths are resolved there, not in the build", () => {
  const env = standaloneEnv({ DATABASE_URL: "file:./data/app.db", SERVICES_DATABASE_URL: "file:./data/theirs.db" }, "/home/ada/shop");
  expect([env.DATABASE_URL, env.SERVICES_DATABASE_URL]).toEqual(["file:/home/ada/shop/data/app.db", "file:/home/ada/shop/data/theirs.db"]);
  expect(standaloneEnv({}, "/home/ada/shop").DATABASE_URL).toBe("file:/home/ada/shop/data/saga-studio.db");
  const postgres = "postgresql://saga@db:5432/saga";
  expect(standaloneEnv({ DATABASE_URL: postgres, SERVICES_DATABASE_URL: postgres }, "/home/ada/shop")).toMatchObject({
    DATABASE_URL: postgres,
    SERVICES_DATABASE_URL: postgres,
  });
});
