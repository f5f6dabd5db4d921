// The part "postgresql": the same parts on PostgreSQL (a throw-away local cluster, scripts/postgres.mjs),
// on one replica and then on three sharing one database, the clients spread over them: the orders with
// the delays off and on, and on one replica the other parts chosen that a replica can answer.
import { DELAYS_OFF, onPostgres } from "../harness.mjs";
import { startPostgres } from "../../postgres.mjs";
import bare from "./bare.mjs";
import delays from "./delays.mjs";
import history from "./history.mjs";
import memory from "./memory.mjs";
import { replicaRates } from "./requests.mjs";
import scale from "./scale.mjs";
import streams from "./streams.mjs";

/** The parts run on one replica, in this order, where `runs` says so. */
const ON_ONE_REPLICA = [
  ["memory", memory],
  ["streams", streams],
  ["bare", bare],
  ["scale", scale],
  ["history", history],
];

/** `runs(part)`: whether a part was chosen. `sqliteRate`: the requests part's sagas a second on SQLite, if it ran. */
export default async function postgresql({ runs, sqliteRate }) {
  const postgres = await startPostgres();
  try {
    console.log(`on PostgreSQL (a local server on the same two cores):`);
    if (sqliteRate) console.log(`  (SQLite, one process, delays off: ${sqliteRate.toFixed(0)} sagas/s)`);
    const target = onPostgres(postgres);
    for (const replicas of [1, 3]) {
      const name = `${replicas} replica${replicas > 1 ? "s" : ""}`;
      // The servers with the delays off and then those with them on share this database.
      const database = postgres.createDatabase();
      const deployment = await target.deploy(replicas, DELAYS_OFF, database);
      const bench = {
        target,
        server: deployment.servers[0],
        urls: deployment.urls,
        replicas,
        database,
        indent: `  ${name.padEnd(11)} `,
        brief: true,
      };
      try {
        await replicaRates(bench, { health: replicas === 1 });
        if (replicas === 1) for (const [part, run] of ON_ONE_REPLICA) if (runs(part)) await run(bench);
      } finally {
        deployment.stop();
      }
      await delays(bench);
    }
  } finally {
    postgres.stop();
  }
}
