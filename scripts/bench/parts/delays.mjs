// The part "delays": POST /orders with the seed's delays on (0.5 s of simulated work a saga), 50
// clients, each in a demo world of its own; where it misses its budget, what bounds it.
import { BUDGETS, verdict } from "../budgets.mjs";
import { HAPPY_BODY, percentile, send } from "../load.mjs";
import { dataLayerLines, profileUnder } from "../profiling.mjs";

const CLIENTS = 50;
/** What the data layer alone is asked to do where the figure misses: as many orders at once as the server had. */
const ENGINE_SHAPE = { delays: true, count: 600, concurrency: CLIENTS };

/** POST /orders p50 with the delays on: `clients` at once, each in a demo world of its own (its own stock), spread over `urls`. */
async function withDelays(urls, clients, seconds) {
  const latencies = [];
  const until = performance.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      const url = urls[client % urls.length];
      const made = await fetch(`${url}/api/world`, { method: "POST" });
      const cookie = made.headers.get("set-cookie").split(";")[0];
      while (performance.now() < until) {
        const t = performance.now();
        const response = await send(`${url}/orders`, "POST", HAPPY_BODY, { cookie });
        if (response.status !== 201 || JSON.parse(response.text).status !== "completed")
          throw new Error(`POST /orders answered ${response.status} ${response.text}`);
        latencies.push(performance.now() - t);
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  return {
    orders: latencies.length,
    perSecond: latencies.length / seconds,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
  };
}

/**
 * On `bench.replicas` servers of `bench.target`, started here with the delays on, on `bench.database` if
 * given (the PostgreSQL part's: the one its servers with the delays off used) or a new one. Where
 * the figure misses: on its own, a CPU profile of a server under the same load and the data layer's
 * costs; in the PostgreSQL part (`bench.brief`), the data layer's costs on one replica, and on more a
 * pointer to them.
 */
export default async function delays({ target, replicas = 1, database, indent, brief }) {
  const budget = BUDGETS.delays;
  const deployment = await target.deploy(replicas, {}, database);
  let met = true;
  try {
    await withDelays(deployment.urls, CLIENTS, 3);
    const d = await withDelays(deployment.urls, CLIENTS, 10);
    met = budget.met(d);
    const what = brief
      ? `POST /orders, delays on, ${CLIENTS} clients`
      : `POST /orders with the seed's delays on (0.5 s of simulated work), ${CLIENTS} clients`;
    console.log(
      `${indent}${what}: p50 ${d.p50.toFixed(0)} ms, p95 ${d.p95.toFixed(0)} ms, ${d.perSecond.toFixed(0)} sagas/s (budget: ${budget.text}) ${verdict(met)}`,
    );
  } finally {
    deployment.stop();
  }
  if (met) return;
  if (replicas > 1) {
    console.log(
      `${indent}what bounds it: the same data layer as one replica's (above), with ${replicas} servers and ${target.name} on the two cores`,
    );
    return;
  }
  if (!brief) {
    console.log(`what bounds POST /orders with the delays on (${CLIENTS} clients, 10 s):`);
    for (const line of await profileUnder(target, {}, (url) => withDelays([url], CLIENTS, 10))) console.log(line);
  }
  for (const line of await dataLayerLines(target.engineDatabase(), ENGINE_SHAPE)) console.log(`${brief ? "  " : ""}${line}`);
}
