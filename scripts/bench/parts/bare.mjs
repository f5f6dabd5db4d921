// The part "bare": GET /api/health and GET /api/inventory against a bare route handler built with the
// same Next.js, A B A B, 10 connections; a CPU profile of the server for each one under its budget.
import { BUDGETS, verdict } from "../budgets.mjs";
import { DELAYS_OFF, startBareHandler } from "../harness.mjs";
import { alternate, getOk, rate } from "../load.mjs";
import { profileUnder } from "../profiling.mjs";

/** On `bench.server`; the profiles are taken on a server of `bench.target` of their own. */
export default async function bare({ target, server, indent, orderRate }) {
  const { least: floors, text } = BUDGETS.bare;
  const bareHandler = await startBareHandler();
  try {
    const ping = getOk(bareHandler.url, "/api/ping");
    await rate(ping, { seconds: 2 });
    const figures = [];
    for (const [p, least] of Object.entries(floors)) figures.push({ p, least, ...(await alternate(ping, getOk(server.url, p))) });
    console.log(`${indent}against a bare route handler (the same Next.js, A B A B, 10 connections):`);
    for (const { p, least, a, b } of figures) {
      console.log(
        `${indent}  ${`GET ${p}`.padEnd(27)} ${b.toFixed(0)} vs ${a.toFixed(0)} req/s: ${(b / a).toFixed(2)} (budget: ${text(least)}) ${verdict(b / a >= least)}`,
      );
    }
    if (orderRate !== undefined) {
      // The "requests" part's rate of POST /orders, against this run's bare handler (the first figure's A).
      const { least, text: orderText } = BUDGETS.ordersToBare;
      const ratio = orderRate / figures[0].a;
      console.log(
        `${indent}  ${"POST /orders (delays off)".padEnd(27)} ${orderRate.toFixed(0)} sagas/s vs ${figures[0].a.toFixed(0)} req/s: ${ratio.toFixed(3)} (budget: ${orderText}) ${verdict(ratio >= least)}`,
      );
    }
    for (const { p } of figures.filter(({ least, a, b }) => b / a < least)) {
      console.log(`${indent}  what bounds GET ${p} (10 connections, 6 s):`);
      for (const line of await profileUnder(target, DELAYS_OFF, (at) => rate(getOk(at, p), { seconds: 6 })))
        console.log(`${indent}${line}`);
    }
  } finally {
    bareHandler.stop();
  }
}
