// The part "streams": with 300 dashboard streams open, the order p50 of 8 clients against none open;
// with 500, how long a transition takes from its commit to one more stream.
import { spawn } from "node:child_process";
import { BUDGETS, verdict } from "../budgets.mjs";
import { HAPPY_BODY, metrics, percentile, SCENARIOS, send } from "../load.mjs";

const STREAM_CLIENTS = 8;
const OPEN = { orders: 300, latency: 500 };

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
    await send(`${url}/orders`, "POST", JSON.stringify(SCENARIOS[i % 4]));
  }
  await new Promise((r) => setTimeout(r, 300));
  controller.abort();
  await reading;
  delays.sort((a, b) => a - b);
  return { events: delays.length, p50: percentile(delays, 50), p99: percentile(delays, 99), max: delays.at(-1) };
}

// A process of its own that opens argv[2] `count` times as an event stream, drains them, and says "open".
const OPEN_STREAMS = `
import http from "node:http";
const [url, count] = process.argv.slice(1);
const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
await Promise.all(Array.from({ length: Number(count) }, () => new Promise((resolve, reject) => {
  http.get(url, { agent, headers: { accept: "text/event-stream" } }, (response) => { response.resume(); resolve(); }).on("error", reject);
})));
console.log("open");
setInterval(() => {}, 60_000);
`;

/**
 * Order p50 latency with no stream open, then with `count.orders` dashboard streams open (each reading
 * every event); and with `count.latency` open, how long a transition takes from its commit to one more.
 */
async function ordersWithStreams(url, count) {
  // 8 clients at once, 12 orders each (product_1's 100 units last them all).
  const p50 = async () => {
    await send(`${url}/reset`, "POST");
    const latencies = [];
    await Promise.all(
      Array.from({ length: STREAM_CLIENTS }, async () => {
        for (let i = 0; i < 12; i++) {
          const t = performance.now();
          await send(`${url}/orders`, "POST", HAPPY_BODY);
          latencies.push(performance.now() - t);
        }
      }),
    );
    return percentile(
      latencies.sort((a, b) => a - b),
      50,
    );
  };
  const none = await p50();
  // The streams are other processes', as the browsers showing them would be: draining hundreds of
  // streams must not slow the bench's own reads (the latency below) on the same two cores.
  const open = async (streams) => {
    const child = spawn(process.execPath, ["--input-type=module", "-e", OPEN_STREAMS, `${url}/api/events`, String(streams)], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    await new Promise((resolve, reject) => {
      child.stdout.on("data", (chunk) => String(chunk).includes("open") && resolve());
      child.on("exit", (code) => reject(new Error(`the streams' process exited (${code})`)));
    });
    return child;
  };
  // The server's event loop while `during` runs (prom-client's figures start again at each scrape): how
  // long work that is ready waits for its turn.
  const lagDuring = async (during) => {
    await send(`${url}/metrics`);
    const value = await during();
    const [p99, max] = await metrics(url, ["nodejs_eventloop_lag_p99_seconds", "nodejs_eventloop_lag_max_seconds"]);
    return { value, lag: { p99: p99 * 1000, max: max * 1000 } };
  };
  const children = [];
  try {
    children.push(await open(count.orders));
    const { value: many, lag: manyLag } = await lagDuring(p50);
    children.push(await open(count.latency - count.orders));
    const { value: latency, lag } = await lagDuring(() => streamLatency(url));
    return { none, many, manyLag, latency, lag };
  } finally {
    for (const child of children) child.kill();
  }
}

/** On `bench.server`: the order p50 with 300 streams open, and the commit-to-stream latency with 500. */
export default async function streams({ server, indent }) {
  const orders = BUDGETS.ordersWithStreams;
  const commit = BUDGETS.commitToStream;
  const s = await ordersWithStreams(server.url, OPEN);
  console.log(`${indent}with dashboard streams open (/api/events), delays off:`);
  console.log(
    `${indent}  POST /orders p50, ${STREAM_CLIENTS} clients at once: ${s.none.toFixed(1)} ms with none, ${s.many.toFixed(1)} ms with ${OPEN.orders} open: ${(s.many / s.none).toFixed(2)}x (budget: ${orders.text}) ${verdict(s.many <= orders.within * s.none)}`,
  );
  if (s.many > orders.within * s.none)
    console.log(
      `${indent}  what bounds it: each commit is pushed to every stream; the server's event loop lagged meanwhile by up to ${s.manyLag.max.toFixed(0)} ms (p99 ${s.manyLag.p99.toFixed(0)} ms), and each order waits for it`,
    );
  console.log(
    `${indent}  with ${OPEN.latency} open, a transition from its commit to one more stream: p50 ${s.latency.p50} ms, p99 ${s.latency.p99} ms, max ${s.latency.max} ms, ${s.latency.events} events (budget: ${commit.text}) ${verdict(s.latency.max <= commit.mostMs)}`,
  );
  if (s.latency.max > commit.mostMs)
    console.log(
      `${indent}  what bounds it: the server's event loop lagged meanwhile by up to ${s.lag.max.toFixed(0)} ms (p99 ${s.lag.p99.toFixed(0)} ms): a delivery that is ready waits that long for its turn`,
    );
}
