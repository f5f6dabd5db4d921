// The bench's load: HTTP requests from the bench's own process, their rates and latency percentiles,
// the orders it places, and the server's own figures from /metrics.
import http from "node:http";

/** The order the bench places wherever every saga must complete: one unit and one cent. */
export const HAPPY_ORDER = { user_id: "user_1", product_id: "product_1", quantity: 1, amount: 0.01 };
export const HAPPY_BODY = JSON.stringify(HAPPY_ORDER);
/** The four scenarios: completed, insufficient funds, shipping failure, insufficient inventory. */
export const SCENARIOS = [
  HAPPY_ORDER,
  { user_id: "user_3", product_id: "product_2", quantity: 1, amount: 500 },
  { user_id: "user_3", product_id: "product_3", quantity: 1, amount: 0.01 },
  { user_id: "user_2", product_id: "product_1", quantity: 1000, amount: 1 },
];
/** product_1 has 100 units: the happy orders go in rounds of this many after a reset. */
export const ROUND = 95;

// The load comes from node:http with keep-alive: fetch costs the client several times more per request,
// and on two cores a heavy client slows the server it measures.
export const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

/** One request (with `extra` headers, a world's cookie say); resolves with its status and body text. */
export function send(url, method = "GET", body, extra = {}) {
  return new Promise((resolve, reject) => {
    const headers = {
      ...extra,
      ...(body === undefined ? {} : { "content-type": "application/json", "content-length": Buffer.byteLength(body) }),
    };
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

/** A GET of `p` on the server at `url` that must answer 200: a request for `rate` and `alternate`. */
export function getOk(url, p) {
  return async () => {
    const response = await send(`${url}${p}`);
    if (response.status !== 200) throw new Error(`GET ${p} answered ${response.status}`);
  };
}

export const health = (url) => getOk(url, "/api/health");

/** Requests per second of `request` from `connections` clients, for `seconds` (after a short warm-up). */
export async function rate(request, { connections = 10, seconds = 5 } = {}) {
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

/** `a` and `b` measured A B A B (the machine drifts; alternating spreads it over both): their mean rates (or `summary`'s). */
export async function alternate(
  a,
  b,
  seconds = 3,
  rounds = 2,
  summary = (...list) => list.reduce((sum, value) => sum + value, 0) / list.length,
) {
  const rates = { a: [], b: [] };
  for (let round = 0; round < rounds; round++) {
    rates.a.push(await rate(a, { seconds }));
    rates.b.push(await rate(b, { seconds }));
  }
  return { a: summary(...rates.a), b: summary(...rates.b) };
}

/** The latencies of `request` from `clients` clients, for `seconds`. */
export async function latencies(request, { clients, seconds }) {
  const taken = [];
  const until = performance.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (performance.now() < until) {
        const t = performance.now();
        await request();
        taken.push(performance.now() - t);
      }
    }),
  );
  return taken;
}

export function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export async function metric(url, name) {
  return (await metrics(url, [name]))[0];
}

/** Each series of a labelled metric in one scrape, by its labels as written (`service="payment"`). */
export async function labelled(url, name) {
  const { text } = await send(`${url}/metrics`);
  const series = {};
  for (const [, labels, value] of text.matchAll(new RegExp(`^${name}\\{([^}]*)\\} (\\S+)$`, "gm"))) series[labels] = Number(value);
  return series;
}

/** Several figures of one scrape of /metrics (some start again at each scrape). */
export async function metrics(url, names) {
  const { text } = await send(`${url}/metrics`);
  return names.map((name) => Number(new RegExp(`^${name} (\\S+)$`, "m").exec(text)?.[1] ?? NaN));
}

/** One round of `count` happy orders after a reset, spread over `urls`, 10 connections: its time in ms. */
export async function orderRound(urls, count) {
  await send(`${urls[0]}/reset`, "POST");
  let left = count;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: 10 }, async (_, connection) => {
      while (left-- > 0) {
        const response = await send(`${urls[connection % urls.length]}/orders`, "POST", HAPPY_BODY);
        const body = JSON.parse(response.text);
        if (response.status !== 201 || body.status !== "completed")
          throw new Error(`POST /orders answered ${response.status} ${body.status}`);
      }
    }),
  );
  return performance.now() - started;
}

/** Sagas a second, delays off, 10 connections, over at least five seconds of rounds (only the rounds' own time counts). */
export async function sagaRate(urls) {
  let ms = 0;
  let placed = 0;
  while (ms < 5_000) {
    ms += await orderRound(urls, ROUND);
    placed += ROUND;
  }
  return { perSecond: placed / (ms / 1000), placed };
}
