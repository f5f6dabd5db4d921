// The part "history", issue 19's prober: GET /api/orders?limit=20 and GET /api/balances, p50 at 5
// clients, in a world of 10,000 orders (the shared one, filled by scripts/bench-history.ts) against an
// empty world, on one server: the same process, the same database, only the world differs.
import { BUDGETS, verdict } from "../budgets.mjs";
import { addHistory, DELAYS_OFF } from "../harness.mjs";
import { HAPPY_BODY, latencies, percentile, send } from "../load.mjs";

const COUNT = 10_000;

/**
 * On a server of `bench.target`. The worlds take turns, a second each, six times, A B A B (the machine
 * drifts), and each one's p50 is over all of its turns. An empty world's page is empty ([]), where the
 * other's holds 20 orders to read and send: the orders are also measured in a world of 25, a full page
 * too, which leaves the history alone to tell them apart.
 */
export default async function history({ target }) {
  const { within: most, text } = BUDGETS.history;
  const server = await target.start(DELAYS_OFF);
  try {
    // A new private world (POST /api/world): the cookie that names it.
    const world = async () => (await fetch(`${server.url}/api/world`, { method: "POST" })).headers.get("set-cookie").split(";")[0];
    const empty = await world();
    const onePage = await world();
    for (let i = 0; i < 25; i++) {
      const response = await send(`${server.url}/api/orders`, "POST", HAPPY_BODY, { cookie: onePage });
      if (response.status !== 201) throw new Error(`POST /api/orders answered ${response.status}`);
    }
    // The template order and count - 1 copies of it: `count` orders in the shared world.
    await addHistory(server, COUNT - 1);
    const get = (p, cookie) => async () => {
      const response = await send(`${server.url}${p}`, "GET", undefined, cookie ? { cookie } : {});
      if (response.status !== 200) throw new Error(`GET ${p} answered ${response.status}`);
    };
    const p50s = async (p, worlds) => {
      const taken = worlds.map(() => []);
      for (const cookie of worlds) await latencies(get(p, cookie), { clients: 5, seconds: 1 });
      for (let round = 0; round < 6; round++) {
        for (const [i, cookie] of worlds.entries()) taken[i].push(...(await latencies(get(p, cookie), { clients: 5, seconds: 1 })));
      }
      return taken.map((list) =>
        percentile(
          list.sort((a, b) => a - b),
          50,
        ),
      );
    };
    const within = (ratio) => `${ratio.toFixed(2)}x ${verdict(ratio <= most)}`;
    const [ordersEmpty, ordersFull, ordersPage] = await p50s("/api/orders?limit=20", [empty, undefined, onePage]);
    const [balancesEmpty, balancesFull] = await p50s("/api/balances", [empty, undefined]);
    const many = COUNT.toLocaleString("en");
    console.log(`reads in a world of ${many} orders against an empty world, one server, p50 at 5 clients, A B A B (budget: ${text}):`);
    console.log(
      `  GET /api/orders?limit=20  ${ordersEmpty.toFixed(2).padStart(6)} ms in the empty world, ${ordersFull.toFixed(2).padStart(6)} ms in the one of ${many}: ${within(ordersFull / ordersEmpty)}`,
    );
    console.log(`    against a world of 25 orders (a full page too): ${ordersPage.toFixed(2)} ms: ${within(ordersFull / ordersPage)}`);
    if (ordersFull / ordersEmpty > most && ordersFull / ordersPage <= most)
      console.log(
        `    what bounds it: the empty world's page is empty; a page of 20 orders costs the same in a world of 25 as in one of ${many}`,
      );
    console.log(
      `  GET /api/balances         ${balancesEmpty.toFixed(2).padStart(6)} ms in the empty world, ${balancesFull.toFixed(2).padStart(6)} ms in the one of ${many}: ${within(balancesFull / balancesEmpty)}`,
    );
  } finally {
    server.stop();
  }
}
