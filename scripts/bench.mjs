// `npm run bench`: measures the production server as a user meets it and prints the figures.
//   - requests: GET /api/health per second beside POST /orders (delays off, every saga completes), with
//     10 connections each, and their ratio (budget: at least 0.30)
//   - cost of a saga: SQL statements and transactions per order, from the server's /metrics
//   - throughput of the four scenarios mixed, and latency percentiles
//   - live stream: how long after its commit a transition reaches a dashboard stream subscriber
//   - memory: the server's resident set after the run
// It starts its own server on a free port with a throw-away database, and stops it at the end. It
// prints; it never fails on a figure.
import { spawn, spawnSync } from "node:child_process";
import http from "node:http";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { buildIfStale, root, serverJs, standaloneDir } from "./build.mjs";
import { startPostgres } from "./postgres.mjs";

const ORDERS = Number(process.env.BENCH_ORDERS ?? 2000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);

function freePort() {
  return new Promise((resolve) => {
    const probe = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

async function startServer(env) {
  const port = await freePort();
  const db = path.join(os.tmpdir(), `saga-studio-bench-${Date.now()}.db`);
  // The standalone server, as `npm start` and the Docker image run it.
  const child = spawn(process.execPath, [serverJs], {
    cwd: standaloneDir,
    env: { ...process.env, DATABASE_URL: `file:${db}`, LOG_LEVEL: "ERROR", ...env, PORT: String(port), HOSTNAME: "127.0.0.1" },
    stdio: "ignore",
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(`${url}/health`)).ok) break;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url, child, stop: () => { child.kill("SIGKILL"); for (const f of [db, `${db}-wal`, `${db}-shm`]) fs.rmSync(f, { force: true }); } };
}

// The load comes from node:http with keep-alive: fetch costs the client several times more per request,
// and on two cores a heavy client slows the server it measures.
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

/** One request; resolves with its status and body text. */
function send(url, method = "GET", body) {
  return new Promise((resolve, reject) => {
    const headers = body === undefined ? {} : { "content-type": "application/json", "content-length": Buffer.byteLength(body) };
    const request = http.request(url, { method, agent, headers }, (response) => {
      let text = "";
      response.setEncoding("utf8");
      response.on("data", (chunk) => (text += chunk));
      response.on("end", () => resolve({ status: response.statusCode, text }));
    });
    request.on("error", reject);
    request.end(body);
  });
}

/** Requests per second of `request` from `connections` clients, for `seconds` (after a short warm-up). */
async function rate(request, { connections = 10, seconds = 5 } = {}) {
  const run = async (ms) => {
    let count = 0;
    const until = performance.now() + ms;
    await Promise.all(
      Array.from({ length: connections }, async () => {
        while (performance.now() < until) {
          await request();
          count++;
        }
      }),
    );
    return count;
  };
  await run(500);
  const started = performance.now();
  const count = await run(seconds * 1000);
  return count / ((performance.now() - started) / 1000);
}

async function metric(url, name) {
  const { text } = await send(`${url}/metrics`);
  return Number(new RegExp(`^${name} (\\S+)$`, "m").exec(text)?.[1] ?? NaN);
}

/**
 * The ceiling a route handler can reach: a scratch app of one route handler (GET /api/ping, JSON),
 * built with the project's own Next.js and served by `next start`. Resolves with its URL and stop().
 */
async function startBareHandler() {
  // Inside the project, so that Next.js (Turbopack) resolves it with the project's node_modules.
  const dir = path.join(root, ".bench-bare");
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(path.join(dir, "app", "api", "ping"), { recursive: true });
  fs.writeFileSync(path.join(dir, "app", "api", "ping", "route.js"), 'export const dynamic = "force-dynamic";\nexport function GET() {\n  return Response.json({ status: "healthy" });\n}\n');
  fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "bare", private: true, type: "module" }));
  const next = path.join(root, "node_modules", "next", "dist", "bin", "next");
  const built = spawnSync(process.execPath, [next, "build"], { cwd: dir, stdio: "ignore", env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } });
  if (built.status !== 0) throw new Error("the bare route handler did not build");
  const port = await freePort();
  const child = spawn(process.execPath, [next, "start", "-p", String(port), "-H", "127.0.0.1"], { cwd: dir, stdio: "ignore", env: { ...process.env, NODE_ENV: "production" } });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(`${url}/api/ping`)).ok) break;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url, stop: () => { child.kill("SIGKILL"); fs.rmSync(dir, { recursive: true, force: true }); } };
}

/** `a` and `b` measured A B A B (the machine drifts; alternating spreads it over both): their mean rates. */
async function alternate(a, b) {
  const rates = { a: [], b: [] };
  for (let round = 0; round < 2; round++) {
    rates.a.push(await rate(a, { seconds: 3 }));
    rates.b.push(await rate(b, { seconds: 3 }));
  }
  const mean = (list) => list.reduce((sum, value) => sum + value, 0) / list.length;
  return { a: mean(rates.a), b: mean(rates.b) };
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

const scenarios = [
  { user_id: "user_1", product_id: "product_1", quantity: 1, amount: 0.01 },
  { user_id: "user_3", product_id: "product_2", quantity: 1, amount: 500 },
  { user_id: "user_3", product_id: "product_3", quantity: 1, amount: 0.01 },
  { user_id: "user_2", product_id: "product_1", quantity: 1000, amount: 1 },
];

async function throughput(url) {
  const latencies = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < ORDERS) {
        const body = JSON.stringify(scenarios[next++ % scenarios.length]);
        const t = performance.now();
        const response = await send(`${url}/orders`, "POST", body);
        if (response.status !== 201) throw new Error(`POST /orders answered ${response.status}`);
        latencies.push(performance.now() - t);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { perSecond: ORDERS / seconds, p50: percentile(latencies, 50), p95: percentile(latencies, 95), p99: percentile(latencies, 99) };
}

async function streamLatency(url) {
  const controller = new AbortController();
  const response = await fetch(`${url}/api/events`, { headers: { accept: "text/event-stream" }, signal: controller.signal });
  const delays = [];
  const reading = (async () => {
    const decoder = new TextDecoder();
    let buffer = "";
    try {
      for await (const chunk of response.body) {
        const receivedAt = Date.now();
        buffer += decoder.decode(chunk, { stream: true });
        for (const match of buffer.matchAll(/^data: (.*)$/gm)) {
          const event = JSON.parse(match[1]);
          if (event.created_at) delays.push(receivedAt - Date.parse(event.created_at));
        }
        buffer = buffer.slice(buffer.lastIndexOf("\n\n") + 2);
      }
    } catch {}
  })();
  for (let i = 0; i < 20; i++) {
    await send(`${url}/orders`, "POST", JSON.stringify(scenarios[i % 4]));
  }
  await new Promise((r) => setTimeout(r, 300));
  controller.abort();
  await reading;
  delays.sort((a, b) => a - b);
  return { events: delays.length, p50: percentile(delays, 50), p99: percentile(delays, 99), max: delays.at(-1) };
}

/** Order p50 latency with no stream open, then with `count` dashboard streams open (each reading every event). */
async function ordersWithStreams(url, count) {
  const happy = JSON.stringify({ user_id: "user_1", product_id: "product_1", quantity: 1, amount: 0.01 });
  const p50 = async () => {
    await send(`${url}/reset`, "POST");
    const latencies = [];
    for (let i = 0; i < 60; i++) {
      const t = performance.now();
      await send(`${url}/orders`, "POST", happy);
      latencies.push(performance.now() - t);
    }
    return percentile(latencies.sort((a, b) => a - b), 50);
  };
  const none = await p50();
  const streamAgent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
  const open = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise((resolve, reject) => {
          const request = http.get(`${url}/api/events`, { agent: streamAgent, headers: { accept: "text/event-stream" } }, (response) => {
            response.resume();
            resolve(request);
          });
          request.on("error", reject);
        }),
    ),
  );
  const many = await p50();
  for (const request of open) request.destroy();
  streamAgent.destroy();
  return { none, many, count };
}

function rssMb(pid) {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
    return Number(/VmRSS:\s+(\d+)/.exec(status)[1]) / 1024;
  } catch {
    return NaN;
  }
}

buildIfStale();
const server = await startServer({ SAGA_DELAY_SCALE: "0" });
try {
  const post = (body) => send(`${server.url}/orders`, "POST", JSON.stringify(body));
  await post(scenarios[0]);

  const health = async () => {
    const response = await send(`${server.url}/api/health`);
    if (response.status !== 200) throw new Error(`GET /api/health answered ${response.status}`);
  };
  // One unit and one cent a time: every saga completes. product_1 has 100 units, so the orders go in
  // rounds of 95 after a reset; only the rounds' own time counts.
  const happy = { user_id: "user_1", product_id: "product_1", quantity: 1, amount: 0.01 };
  const orderRound = async (count) => {
    await send(`${server.url}/reset`, "POST");
    let left = count;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: 10 }, async () => {
        while (left-- > 0) {
          const response = await post(happy);
          const body = JSON.parse(response.text);
          if (response.status !== 201 || body.status !== "completed") throw new Error(`POST /orders answered ${response.status} ${body.status}`);
        }
      }),
    );
    return performance.now() - started;
  };
  // Warm up both (the JIT takes a few seconds of orders to settle), then measure each.
  await rate(health, { seconds: 2 });
  for (let round = 0; round < 5; round++) await orderRound(95);
  const healthRate = await rate(health);
  // What a reset costs, to take it out of the per-saga figures below.
  const statementsBeforeReset = await metric(server.url, "db_statements_total");
  await send(`${server.url}/reset`, "POST");
  const resetStatements = (await metric(server.url, "db_statements_total")) - statementsBeforeReset;
  const before = { statements: await metric(server.url, "db_statements_total"), transactions: await metric(server.url, "db_transactions_total"), sagas: await metric(server.url, "saga_completed_total") };
  let orderMs = 0;
  let placed = 0;
  while (orderMs < 5_000) {
    orderMs += await orderRound(95);
    placed += 95;
  }
  const orderRate = placed / (orderMs / 1000);
  const sagas = (await metric(server.url, "saga_completed_total")) - before.sagas;
  // Each round's reset is one transaction and a few statements more: left out of the cost of a saga.
  const rounds = placed / 95;
  const statements = ((await metric(server.url, "db_statements_total")) - before.statements - rounds * resetStatements) / sagas;
  const transactions = ((await metric(server.url, "db_transactions_total")) - before.transactions - rounds) / sagas;
  await send(`${server.url}/reset`, "POST");
  const ratio = orderRate / healthRate;
  console.log(`requests, 10 connections each:`);
  console.log(`  GET /api/health             ${healthRate.toFixed(0)} req/s`);
  console.log(`  POST /orders (delays off)   ${orderRate.toFixed(0)} sagas/s, every one completed`);
  console.log(`  ratio                       ${ratio.toFixed(2)} (budget: at least 0.30) ${ratio >= 0.3 ? "ok" : "BELOW BUDGET"}`);
  console.log(`cost of one saga (four steps, from /metrics): ${statements.toFixed(1)} SQL statements in ${transactions.toFixed(1)} write transactions`);
  console.log(`  (statements count BEGIN and COMMIT, and the reads that answer the request)`);

  const t = await throughput(server.url);
  console.log(`orders (POST /orders, delays off, ${CONCURRENCY} clients, ${ORDERS} orders, all four scenarios):`);
  console.log(`  ${t.perSecond.toFixed(0)} orders/s; latency p50 ${t.p50.toFixed(1)} ms, p95 ${t.p95.toFixed(1)} ms, p99 ${t.p99.toFixed(1)} ms`);
  const streams = await ordersWithStreams(server.url, 500);
  console.log(`orders with open dashboard streams (/api/events), one at a time, delays off:`);
  console.log(`  p50 ${streams.none.toFixed(1)} ms with none, ${streams.many.toFixed(1)} ms with ${streams.count} open (budget: within 2x)`);
  const s = await streamLatency(server.url);
  console.log(`live stream (commit -> dashboard subscriber), ${s.events} events:`);
  console.log(`  p50 ${s.p50} ms, p99 ${s.p99} ms, max ${s.max} ms (target: within 100 ms)`);
  const pid = server.child.pid;
  console.log(`server memory after the run: ${rssMb(pid).toFixed(0)} MB resident`);
  // Beside the ceiling: a bare route handler built with the same Next.js, measured A B A B.
  const bare = await startBareHandler();
  try {
    const ping = async () => {
      const response = await send(`${bare.url}/api/ping`);
      if (response.status !== 200) throw new Error(`the bare handler answered ${response.status}`);
    };
    const inventory = async () => {
      const response = await send(`${server.url}/api/inventory`);
      if (response.status !== 200) throw new Error(`GET /api/inventory answered ${response.status}`);
    };
    await rate(ping, { seconds: 2 });
    const healthVsBare = await alternate(ping, health);
    const inventoryVsBare = await alternate(ping, inventory);
    console.log(`against a bare route handler (the same Next.js, A B A B, 10 connections):`);
    const line = (name, figures, budget) =>
      console.log(`  ${name.padEnd(27)} ${figures.b.toFixed(0)} vs ${figures.a.toFixed(0)} req/s: ${(figures.b / figures.a).toFixed(2)} (budget: at least ${budget.toFixed(2)}) ${figures.b / figures.a >= budget ? "ok" : "BELOW BUDGET"}`);
    line("GET /api/health", healthVsBare, 0.8);
    line("GET /api/inventory", inventoryVsBare, 0.7);
  } finally {
    bare.stop();
  }
  console.log(`POST /orders (delays off, every saga completes), 10 connections in all, by database:`);
  console.log(`  SQLite, one process         ${orderRate.toFixed(0)} sagas/s`);
} finally {
  server.stop();
}

// The same orders on PostgreSQL: one replica, then three on one database, the connections spread over them.
const postgres = await startPostgres();
try {
  for (const count of [1, 3]) {
    const database = postgres.createDatabase();
    const replicas = await Promise.all(
      Array.from({ length: count }, (_, i) => startServer({ SAGA_DELAY_SCALE: "0", DATABASE_URL: database, SAGA_REPLICA_ID: `bench-${i}` })),
    );
    try {
      const happy = JSON.stringify({ user_id: "user_1", product_id: "product_1", quantity: 1, amount: 0.01 });
      const round = async (orders) => {
        await send(`${replicas[0].url}/reset`, "POST");
        let left = orders;
        const started = performance.now();
        await Promise.all(
          Array.from({ length: 10 }, async (_, connection) => {
            const url = replicas[connection % count].url;
            while (left-- > 0) {
              const response = await send(`${url}/orders`, "POST", happy);
              if (response.status !== 201 || JSON.parse(response.text).status !== "completed") throw new Error(`POST /orders answered ${response.status}`);
            }
          }),
        );
        return performance.now() - started;
      };
      for (let warm = 0; warm < 3; warm++) await round(95);
      let ms = 0;
      let placed = 0;
      while (ms < 5_000) {
        ms += await round(95);
        placed += 95;
      }
      console.log(`  PostgreSQL, ${count} replica${count > 1 ? "s" : " "}        ${(placed / (ms / 1000)).toFixed(0)} sagas/s`);
    } finally {
      for (const replica of replicas) replica.stop();
    }
  }
} finally {
  postgres.stop();
}
