// `npm start`: serves the production build on PORT (default 8000), building it first when needed.
import { spawn } from "node:child_process";
import { buildIfStale, nextBin, root } from "./build.mjs";

try {
  buildIfStale();
} catch (error) {
  console.error(`ERROR:start:${error.message}`);
  process.exit(1);
}

const port = process.env.PORT || "8000";
// The app handles SIGTERM itself (instrumentation.ts): running sagas stop at a persisted point first.
const env = { ...process.env, NEXT_MANUAL_SIG_HANDLE: "true" };
const server = spawn(process.execPath, [nextBin, "start", "-p", port], { cwd: root, stdio: "inherit", env });
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => server.kill(signal));
server.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
