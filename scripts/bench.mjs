// `npm run bench`: measures the production server as a user meets it and prints each figure beside its
// budget (the README's Performance section; the budgets, and why each, in bench/budgets.mjs).
// `npm run bench -- <part> ...` runs only those parts (each in bench/parts/):
//   - requests: GET /api/health per second beside POST /orders (delays off, every saga completes), 10
//     connections each; what one saga costs in statements and transactions, the HTTP calls of the
//     services it makes and the time it spends in each (/metrics)
//   - mix: the four scenarios mixed, 32 clients: orders per second and latency percentiles
//   - memory: the server's resident set after 5,000 and after 10,000 sagas
//   - scale: every endpoint and page, then again after 100,000 more orders (scripts/bench-history.ts)
//   - history: GET /api/orders?limit=20 and GET /api/balances p50, 5 clients, in a world of 10,000 orders
//     against an empty world on the same server
//   - streams: with 300 dashboard streams open the order p50 of 8 clients, with 500 the commit-to-stream latency
//   - browser: the dashboard's first-load JavaScript, gzipped, as served
//   - bare: GET /api/health and GET /api/inventory against a bare route handler, A B A B; and the
//     "requests" part's POST /orders rate against the same handler
//   - delays: POST /orders p50 with the seed's delays on, 50 clients
//   - postgresql: the orders, with and without delays, on one and three replicas (and on one, the
//     memory, streams, bare, scale and history parts chosen)
// It starts its own servers on free ports with throw-away databases (and a throw-away PostgreSQL
// cluster), and stops them at the end (bench/harness.mjs). It prints; it never fails on a figure.
// BENCH_ORDERS and BENCH_CONCURRENCY set the mix part's orders (2,000) and clients (32).
import { buildIfStale } from "./build.mjs";
import { DELAYS_OFF, sqlite } from "./bench/harness.mjs";
import { health, orderRound, rate, ROUND } from "./bench/load.mjs";
import bare from "./bench/parts/bare.mjs";
import browser from "./bench/parts/browser.mjs";
import delays from "./bench/parts/delays.mjs";
import history from "./bench/parts/history.mjs";
import memory from "./bench/parts/memory.mjs";
import mix from "./bench/parts/mix.mjs";
import postgresql from "./bench/parts/postgresql.mjs";
import requests from "./bench/parts/requests.mjs";
import scale from "./bench/parts/scale.mjs";
import streams from "./bench/parts/streams.mjs";

// `npm run bench -- scale memory` runs only those parts; with no argument, every part.
const parts = ["requests", "mix", "memory", "scale", "history", "streams", "bare", "browser", "delays", "postgresql"];
const chosen = process.argv.slice(2);
for (const part of chosen) if (!parts.includes(part)) throw new Error(`no part "${part}": the parts are ${parts.join(", ")}`);
const runs = (part) => chosen.length === 0 || chosen.includes(part);

/** The parts on one SQLite server with the delays off, in this order, after "requests". */
const ON_THE_SERVER = [
  ["mix", mix],
  ["memory", memory],
  ["scale", scale],
  ["history", history],
  ["streams", streams],
  ["browser", browser],
  ["bare", bare],
];

buildIfStale();
const server = await sqlite.start(DELAYS_OFF);
const bench = { target: sqlite, server, urls: [server.url], replicas: 1, indent: "", brief: false };
let orderRate;
try {
  // Warm up both (the JIT takes a few seconds of orders to settle), then measure each.
  await rate(health(server.url), { seconds: 2 });
  for (let round = 0; round < 5; round++) await orderRound([server.url], ROUND);
  if (runs("requests")) orderRate = bench.orderRate = await requests(bench);
  for (const [part, run] of ON_THE_SERVER) if (runs(part)) await run(bench);
} finally {
  server.stop();
}

// A server of its own, with the seed's delays on.
if (runs("delays")) await delays({ target: sqlite, indent: "", brief: false });

if (runs("postgresql")) await postgresql({ runs, sqliteRate: orderRate });
