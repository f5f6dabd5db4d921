// The part "mix": the four scenarios mixed, BENCH_CONCURRENCY clients (32) placing BENCH_ORDERS
// orders (2,000), delays off: orders per second and latency percentiles.
import { percentile, SCENARIOS, send } from "../load.mjs";

const ORDERS = Number(process.env.BENCH_ORDERS ?? 2000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);

async function throughput(url) {
  const latencies = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < ORDERS) {
        const body = JSON.stringify(SCENARIOS[next++ % SCENARIOS.length]);
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

export default async function mix({ server }) {
  const t = await throughput(server.url);
  console.log(`orders (POST /orders, delays off, ${CONCURRENCY} clients, ${ORDERS} orders, all four scenarios):`);
  console.log(
    `  ${t.perSecond.toFixed(0)} orders/s; latency p50 ${t.p50.toFixed(1)} ms, p95 ${t.p95.toFixed(1)} ms, p99 ${t.p99.toFixed(1)} ms`,
  );
}
