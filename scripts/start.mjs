// `npm start`: serves the production build on PORT (default 8000), building it first when needed.
// It runs what the Docker image runs: the standalone server.js, with the static assets beside it.
import { spawn } from "node:child_process";
import { buildIfStale, serverJs, standaloneDir, standaloneEnv } from "./build.mjs";

try {
  buildIfStale();
} catch (error) {
  console.error(`ERROR:start:${error.message}`);
  process.exit(1);
}

const env = {
  ...standaloneEnv(),
  PORT: process.env.PORT || "8000",
  // Every interface, as `next start` and the image listen. An inherited HOSTNAME is the machine's
  // name (containers export it), not an address to listen on, so it is not passed through.
  HOSTNAME: "0.0.0.0",
  // The app handles SIGTERM itself (instrumentation.ts): running sagas stop at a persisted point first.
  NEXT_MANUAL_SIG_HANDLE: "true",
};
const server = spawn(process.execPath, [serverJs], { cwd: standaloneDir, stdio: "inherit", env });
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => server.kill(signal));
server.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));

// Next.js says "Ready" once it listens; the app is ready once /health answers (the database migrated
// and seeded, in-flight sagas resumed). Say so, with the address to open.
const health = `http://127.0.0.1:${env.PORT}/health`;
const deadline = Date.now() + 120_000;
while (server.exitCode === null && Date.now() < deadline) {
  const ready = await fetch(health).then(
    (response) => response.ok,
    () => false,
  );
  if (ready) {
    console.log(`Saga Studio is ready on http://localhost:${env.PORT}`);
    break;
  }
  await new Promise((resolve) => setTimeout(resolve, 200));
}
