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
const server = spawn(process.execPath, [nextBin, "start", "-p", port], { cwd: root, stdio: "inherit" });
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => server.kill(signal));
server.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
