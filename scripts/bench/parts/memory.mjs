// The part "memory": the server's resident set after 5,000 and after 10,000 sagas, delays off.
import { BUDGETS, verdict } from "../budgets.mjs";
import { rssMb } from "../harness.mjs";
import { metric, orderRound, ROUND } from "../load.mjs";

/** Resident memory after 5,000 and after 10,000 sagas started on `bench.server` (counting those it ran before). */
export default async function memory({ server, indent }) {
  const { mostMb, flat, text } = BUDGETS.memory;
  const resident = {};
  for (const mark of [5_000, 10_000]) {
    while ((await metric(server.url, "saga_started_total")) < mark) await orderRound([server.url], ROUND);
    resident[mark] = rssMb(server.child.pid);
  }
  const isFlat = resident[10_000] <= resident[5_000] * flat;
  console.log(
    `${indent}server memory (resident), delays off: ${resident[5_000].toFixed(0)} MB after 5,000 sagas, ${resident[10_000].toFixed(0)} MB after 10,000 (budget: ${text}) ${verdict(resident[10_000] <= mostMb && isFlat)}`,
  );
}
