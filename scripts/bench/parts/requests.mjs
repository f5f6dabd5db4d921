// The part "requests": GET /api/health per second beside POST /orders (delays off, every saga
// completes), 10 connections each; and what one saga costs in statements and transactions (/metrics).
// The PostgreSQL part prints the two rates alone, for each number of replicas (replicaRates).
import { health, labelled, metric, orderRound, rate, ROUND, sagaRate, send } from "../load.mjs";

const sum = (series) => Object.values(series).reduce((total, value) => total + value, 0);
const serviceOf = (labels) => /service="([^"]+)"/.exec(labels)?.[1];

/** The part on `bench.server` (warmed up by the caller); resolves with its sagas a second. */
export default async function requests({ server }) {
  const url = server.url;
  const healthRate = await rate(health(url));
  // What a reset costs, to take it out of the per-saga figures below.
  const statementsBeforeReset = await metric(url, "db_statements_total");
  await send(`${url}/reset`, "POST");
  const resetStatements = (await metric(url, "db_statements_total")) - statementsBeforeReset;
  const before = {
    statements: await metric(url, "db_statements_total"),
    transactions: await metric(url, "db_transactions_total"),
    sagas: await metric(url, "saga_completed_total"),
    calls: await labelled(url, "service_calls_total"),
    seconds: await labelled(url, "service_call_duration_seconds_sum"),
  };
  const measured = await sagaRate([url]);
  const orderRate = measured.perSecond;
  const sagas = (await metric(url, "saga_completed_total")) - before.sagas;
  // Each round's reset is one transaction and a few statements more: left out of the cost of a saga.
  const rounds = measured.placed / ROUND;
  const statements = ((await metric(url, "db_statements_total")) - before.statements - rounds * resetStatements) / sagas;
  const transactions = ((await metric(url, "db_transactions_total")) - before.transactions - rounds) / sagas;
  // The services over HTTP (issue 22): the calls a saga makes, and the time it spends in each service.
  const calls = (sum(await labelled(url, "service_calls_total")) - sum(before.calls)) / sagas;
  const seconds = await labelled(url, "service_call_duration_seconds_sum");
  const inService = Object.entries(seconds).map(
    ([labels, total]) => `${serviceOf(labels)} ${(((total - (before.seconds[labels] ?? 0)) / sagas) * 1000).toFixed(2)} ms`,
  );
  await send(`${url}/reset`, "POST");
  // The ratio of the two is no budget any more (retired: GET /api/health got faster); each rate is
  // printed as it is, and the health check is held to a bare route handler (the "bare" part).
  console.log(`requests, 10 connections each:`);
  console.log(`  GET /api/health             ${healthRate.toFixed(0)} req/s`);
  console.log(`  POST /orders (delays off)   ${orderRate.toFixed(0)} sagas/s, every one completed`);
  console.log(
    `cost of one saga (four steps, from /metrics): ${statements.toFixed(1)} SQL statements in ${transactions.toFixed(1)} write transactions of the app's database`,
  );
  console.log(
    `  (statements count BEGIN and COMMIT, and the reads that answer the request; the services' thread writes its own data apart)`,
  );
  console.log(`  HTTP calls of the services: ${calls.toFixed(1)} a saga; time a saga spends in each: ${inService.join(", ")}`);
  return orderRate;
}

/** The sagas a second of the servers at `bench.urls` (warmed up here), and with `health`, GET /api/health's rate on the first. */
export async function replicaRates({ urls, indent }, { health: withHealth }) {
  for (let warm = 0; warm < 3; warm++) await orderRound(urls, ROUND);
  const measured = await sagaRate(urls);
  console.log(`${indent}POST /orders, delays off, 10 connections: ${measured.perSecond.toFixed(0)} sagas/s`);
  if (withHealth) {
    await rate(health(urls[0]), { seconds: 2 });
    console.log(`${indent}GET /api/health ${(await rate(health(urls[0]))).toFixed(0)} req/s`);
  }
}
