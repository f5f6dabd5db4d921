// For `npm run bench`: what a saga costs the data layer, in one process, with no Next.js in the way. It
// places orders through the app's own service (lib/orders/service.ts) on the database at DATABASE_URL,
// its steps calling the services (lib/services) on a loopback port of this process, and measures twice:
//   - the rate: `count` orders, `concurrency` at once, as the server would run them (with the delays
//     SAGA_DELAY_SCALE says): sagas a second, their p50, the process's CPU time a saga, and the
//     transactions and commits a saga takes;
//   - the calls: `sample` orders one at a time, with every call a saga makes on its transactions timed
//     (each call's await: on SQLite all of its work, on PostgreSQL also the round trip). With the
//     delays on, these run with them cut to a fiftieth: the same transactions, sooner.
// Run with jiti:
//   node node_modules/jiti/lib/jiti-cli.mjs scripts/bench-engine.ts <count> <concurrency> <sample>
// Prints one line of JSON.
import { closeDatabase, database, type Database, type Tx } from "../lib/db/client";
import { delayScale } from "../lib/saga/options";
import { submitOrder } from "../lib/orders/service";
import { startServicesListener } from "../lib/services/listener";

const [count, concurrency, sample] = process.argv.slice(2, 5).map(Number);
if (![count, concurrency, sample].every((n) => Number.isSafeInteger(n) && n > 0))
  throw new Error("usage: bench-engine.ts <count> <concurrency> <sample>");

const services = await startServicesListener();
process.env.SAGA_SERVICES_URL = services.url;

const order = { user_id: "user_1", product_id: "product_1", quantity: 1, amount: 0.01 };
async function place(): Promise<number> {
  const started = performance.now();
  const submission = await submitOrder(order);
  if (submission.kind !== "finished" || submission.result.status !== "completed")
    throw new Error(`an order did not complete: ${JSON.stringify(submission)}`);
  return performance.now() - started;
}

await place();
const db = await database();
// Stock and money for every order to complete (one unit and one cent each; within a 32-bit column), in
// the services' own tables: the first order seeded them.
await db.write(async (tx) => {
  await tx.inventoryServiceStock.updateMany({ where: { worldId: "default" }, data: { available: 1_000_000_000 } });
  await tx.paymentServiceAccount.updateMany({ where: { worldId: "default" }, data: { balanceCents: 1_000_000_000 } });
});
// The JIT, and Prisma's query plan cache.
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    for (let i = 0; i < 200 / concurrency; i++) await place();
  }),
);

// The rate.
const before = { ...db.stats };
const cpuBefore = process.cpuUsage();
const started = performance.now();
const latencies: number[] = [];
let left = count;
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (left-- > 0) latencies.push(await place());
  }),
);
const seconds = (performance.now() - started) / 1000;
const cpu = process.cpuUsage(cpuBefore);
latencies.sort((a, b) => a - b);
const rate = {
  sagasPerSecond: count / seconds,
  p50: latencies[Math.floor(latencies.length / 2)],
  cpuMsPerSaga: (cpu.user + cpu.system) / 1000 / count,
  transactionsPerSaga: (db.stats.transactions - before.transactions) / count,
  commitsPerSaga: (db.stats.commits - before.commits) / count,
};

// The calls: `write` wrapped so that every call on the transaction it hands out is timed, by model and
// operation ("order.create"), or by name for the client's own ($executeRaw).
const calls = new Map<string, { count: number; micros: number }>();
const add = (name: string, since: number) => {
  const entry = calls.get(name) ?? { count: 0, micros: 0 };
  entry.count++;
  entry.micros += (performance.now() - since) * 1000;
  calls.set(name, entry);
};
function timed<T extends object>(target: T, name: (key: string) => string): T {
  return new Proxy(target, {
    get(object, key) {
      const value = Reflect.get(object, key);
      if (typeof key !== "string") return value;
      if (typeof value === "function") {
        return (...args: unknown[]) => {
          const since = performance.now();
          const result = value.apply(object, args);
          return result instanceof Promise || typeof result?.then === "function"
            ? Promise.resolve(result).finally(() => add(name(key), since))
            : result;
        };
      }
      // A model (tx.order): its operations are timed under its name.
      return value && typeof value === "object" ? timed(value, (operation) => `${key}.${operation}`) : value;
    },
  });
}
const write = db.write;
(db as { write: Database["write"] }).write = (fn) => {
  const since = performance.now();
  let inside = 0;
  return write(async (tx: Tx) => {
    add("(the transaction: the queue, BEGIN)", since);
    inside = performance.now();
    const result = await fn(timed(tx, (name) => name));
    add("(in the transaction, all told: the calls below and the engine's own code)", inside);
    inside = performance.now();
    return result;
  }).finally(() => add("(COMMIT)", inside));
};
if (delayScale() > 0) process.env.SAGA_DELAY_SCALE = String(delayScale() / 50);
for (let i = 0; i < sample; i++) await place();
(db as { write: Database["write"] }).write = write;

console.log(
  JSON.stringify({
    ...rate,
    calls: [...calls].map(([name, { count: made, micros }]) => ({ name, perSaga: made / sample, microsEach: micros / made })),
  }),
);
await services.close();
await closeDatabase();
