// What bounds a figure that misses its budget: where the server's CPU time goes under a load (a CPU
// profile), and what the data layer alone costs a saga (scripts/bench-engine.ts, with no HTTP).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { removeSqlite, runScript } from "./harness.mjs";

/** Where a profiled function's code comes from, for the summary of a profile. */
function origin({ url, functionName }) {
  if (!url) {
    if (functionName.startsWith("(")) return functionName === "(garbage collector)" ? "garbage collection" : functionName;
    return ["run", "all", "get", "prepare", "columns", "raw"].includes(functionName) ? "SQLite (better-sqlite3)" : "Node.js natives";
  }
  if (url.includes("@prisma/client/runtime")) return "Prisma Client (query plans, their interpretation, rows)";
  if (url.includes("/server/chunks/lib_db_")) return "SQLite (better-sqlite3, Prisma's adapter, lib/db)";
  if (url.includes("node_modules/next/")) return "Next.js";
  if (url.startsWith("node:")) return "Node.js (HTTP, streams, async hooks)";
  if (url.includes("/server/chunks/")) return "the app's own code";
  return "elsewhere";
}

/**
 * What a server of `target` (harness.mjs), started with `env`, spends its time on while `load(url)` runs:
 * a CPU profile (node --cpu-prof, written when the server exits on SIGTERM), its busy time grouped by
 * where the code comes from, and the functions that take most of it. Resolves with the lines to print.
 */
export async function profileUnder(target, env, load) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "saga-studio-profile-"));
  const server = await target.start({ ...env, NEXT_MANUAL_SIG_HANDLE: "true" }, ["--cpu-prof", `--cpu-prof-dir=${dir}`]);
  const exited = new Promise((resolve) => (server.child.exitCode !== null ? resolve() : server.child.on("exit", resolve)));
  // A load that fails under the profiler (a request answered 503, say) is a finding, not the end of the
  // bench: it is said, and the profile of what ran until then is summed up as any other.
  let failed;
  try {
    await load(server.url);
  } catch (error) {
    failed = `  (the load failed under the profiler: ${error instanceof Error ? error.message : String(error)})`;
  } finally {
    server.child.kill("SIGTERM");
    await exited;
    server.stop();
  }
  const file = fs.readdirSync(dir).find((name) => name.endsWith(".cpuprofile"));
  const profile = file && JSON.parse(fs.readFileSync(path.join(dir, file), "utf8"));
  fs.rmSync(dir, { recursive: true, force: true });
  if (!profile) return [...(failed ? [failed] : []), "  (no profile was written)"];
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const groups = new Map();
  const functions = new Map();
  let busy = 0;
  for (const [id, micros] of self) {
    const frame = nodes.get(id).callFrame;
    if (frame.functionName === "(idle)" || frame.functionName === "(program)") continue;
    busy += micros;
    const group = origin(frame);
    groups.set(group, (groups.get(group) ?? 0) + micros);
    const name = `${frame.functionName || "(anonymous)"} ${frame.url ? frame.url.split("/").slice(-2).join("/") : "(native)"}`;
    functions.set(name, (functions.get(name) ?? 0) + micros);
  }
  const share = (micros) => `${((100 * micros) / busy).toFixed(0).padStart(3)}%`;
  const top = (map, count) => [...map].sort((a, b) => b[1] - a[1]).slice(0, count);
  return [
    ...(failed ? [failed] : []),
    `  where the server's busy time goes (a CPU profile, ${(busy / 1e6).toFixed(1)} s busy):`,
    ...top(groups, 6).map(([group, micros]) => `    ${share(micros)} ${group}`),
    `  the functions that take most of it:`,
    ...top(functions, 5).map(([name, micros]) => `    ${share(micros)} ${name}`),
  ];
}

/**
 * What a saga costs the data layer in one process, with no HTTP (scripts/bench-engine.ts, on
 * `databaseUrl`, or a SQLite file of its own): the rate, p50 and CPU of `count` orders `concurrency` at
 * once, and each call of a saga, timed. Printed where a figure about orders misses its budget: the
 * ceiling that the data layer alone sets.
 */
async function engineCosts(databaseUrl, { delays, count, concurrency }) {
  const file = databaseUrl ? undefined : path.join(os.tmpdir(), `saga-studio-bench-engine-${Date.now()}.db`);
  try {
    return await runScript("bench-engine.ts", [count, concurrency, 200], {
      NODE_ENV: "production",
      DATABASE_URL: databaseUrl ?? `file:${file}`,
      SAGA_DELAY_SCALE: delays ? "1" : "0",
    });
  } finally {
    if (file) removeSqlite(file);
  }
}

/** The lines that say what the data layer alone costs a saga (engineCosts), against `healthRate` if given. */
function engineLines(costs, { delays, count, concurrency, healthRate }) {
  const lines = [
    `  the data layer alone, in one process with no HTTP (scripts/bench-engine.ts, ${count} orders, ${concurrency} at once, delays ${delays ? "on" : "off"}):`,
    `    ${costs.sagasPerSecond.toFixed(0)} sagas/s, p50 ${costs.p50.toFixed(0)} ms, ${costs.cpuMsPerSaga.toFixed(1)} ms of CPU a saga, ${costs.transactionsPerSaga.toFixed(1)} transactions in ${costs.commitsPerSaga.toFixed(2)} commits a saga` +
      (healthRate ? `: against GET /api/health, ${(costs.sagasPerSecond / healthRate).toFixed(2)} were HTTP free` : ""),
    `    a saga's calls, one saga at a time${delays ? " (the delays cut to a fiftieth)" : ""}, each timed to its answer:`,
    `      calls  µs each  µs a saga`,
  ];
  const calls = [...costs.calls].sort((a, b) => b.perSaga * b.microsEach - a.perSaga * a.microsEach);
  for (const call of calls)
    lines.push(
      `      ${call.perSaga.toFixed(1).padStart(5)}  ${call.microsEach.toFixed(0).padStart(7)}  ${(call.perSaga * call.microsEach).toFixed(0).padStart(9)}  ${call.name}`,
    );
  return lines;
}

/** engineCosts on `databaseUrl` (undefined: a SQLite file of its own), as engineLines prints them. */
export async function dataLayerLines(databaseUrl, shape) {
  return engineLines(await engineCosts(databaseUrl, shape), shape);
}
