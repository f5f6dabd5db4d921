// A step that calls a remote service (tests/engine/payment-service.ts): the call happens outside any
// transaction, with an idempotency key that is the same on every attempt and resume and an AbortSignal
// that fires at the timeout, and what the service answered is recorded with the step's outcome.
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, expect, it } from "vitest";
import { database, type Database } from "../db/client";
import { ledger, resetLedger } from "../../tests/engine/ledger";
import { startPaymentService, type PaymentService } from "../../tests/engine/payment-service";
import { failAt, paymentService, remote } from "../../tests/engine/toy-saga";
import { until } from "../../tests/wait";
import { leaseOwner } from "./lease";
import { runSaga, startSaga, type StartedSaga } from ".";
import { registerSagas } from "./registry";

let db: Database;
let payments: PaymentService;

beforeAll(async () => {
  db = await database();
  registerSagas([remote]);
  payments = await startPaymentService();
  paymentService.url = payments.url;
});
afterAll(() => payments.close());

beforeEach(async () => {
  await resetLedger(db);
  failAt.step = "";
  payments.reset();
});

const started = new Map<string, StartedSaga<{ id: string }>>();

async function newSaga(): Promise<string> {
  const id = randomUUID();
  started.set(id, await startSaga({ id, definition: remote, subjectId: id, subject: { id }, options: {} }));
  return id;
}

const run = (sagaId: string) => runSaga(started.get(sagaId) ?? sagaId);

const chargeStep = (sagaId: string) => db.read.sagaStep.findUnique({ where: { sagaId_position: { sagaId, position: 0 } } });

it("calls the service, records its answer with the outcome, and hands it to the compensation", async () => {
  const sagaId = await newSaga();
  expect(await run(sagaId)).toBe("completed");
  expect([...payments.charges.values()]).toEqual([{ id: "ch_1" }]);
  expect(payments.requests.map((r) => r.key)).toEqual([`${sagaId}:0:action`]);
  expect(await chargeStep(sagaId)).toMatchObject({ status: "completed", attempts: 1, output: JSON.stringify({ id: "ch_1" }) });
  expect(await ledger(db)).toEqual(["charged ch_1", "confirmed"]);

  failAt.step = "confirm";
  const refunded = await newSaga();
  expect(await run(refunded)).toBe("failed");
  expect(payments.requests.filter((r) => r.path === "/refunds").map((r) => r.key)).toEqual([`${refunded}:0:compensation`]);
  expect(await ledger(db)).toEqual(["charged ch_1", "confirmed", "charged ch_2", "refunded ch_2"]);
});

it("cancels a call at the step's timeout and retries it with the same key: the service charges once", async () => {
  // The first call is never answered: the caller hangs up (its 1 s timeout), and only then does the
  // service look at it again, to find nobody to answer.
  payments.onRequest = async (request) => {
    if (payments.requests.indexOf(request) === 0) await until("the engine to cut the first call off at its timeout", () => request.aborted);
  };
  const sagaId = await newSaga();
  expect(await run(sagaId)).toBe("completed");
  expect(payments.requests.map((r) => [r.key, r.aborted])).toEqual([
    [`${sagaId}:0:action`, true],
    [`${sagaId}:0:action`, false],
  ]);
  expect(payments.charges.size).toBe(1);
  expect(await chargeStep(sagaId)).toMatchObject({ status: "completed", attempts: 2 });
  const retry = await db.read.sagaEvent.findFirst({ where: { sagaId, outcome: "retrying" } });
  expect(retry?.error).toBe("Timed out after 1000 ms");
  expect(await ledger(db)).toEqual(["charged ch_1", "confirmed"]);
});

it("holds no transaction while the service thinks: other writes go on meanwhile", async () => {
  let answer = () => {};
  payments.onRequest = () => new Promise<void>((resolve) => (answer = resolve));
  const sagaId = await newSaga();
  const running = run(sagaId);
  while (payments.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
  // The call is in flight; a write of another saga commits at once.
  const other = await newSaga();
  expect(await db.read.saga.findUnique({ where: { id: other } })).not.toBeNull();
  answer();
  expect(await running).toBe("completed");
});

it("after a crash between the call and the commit, the resumed saga asks again with the same key and is charged once", async () => {
  // The child process starts the saga and runs it, as the app's server would; this process is that
  // server restarted (the same replica: on PostgreSQL it takes its saga's lease back at once).
  const sagaId = randomUUID();
  const jiti = path.resolve("node_modules/jiti/lib/jiti-cli.mjs");
  const child = spawn(process.execPath, [jiti, path.resolve("tests/engine/run-saga.ts"), sagaId], {
    env: { ...process.env, PAYMENT_SERVICE_URL: payments.url, LOG_LEVEL: "ERROR", SAGA_REPLICA_ID: leaseOwner() },
    stdio: "ignore",
  });
  const exited = new Promise((resolve) => child.once("exit", (_code, signal) => resolve(signal)));
  // The service has charged; the process dies before it can hear the answer, let alone commit it.
  payments.onRequest = () => {
    child.kill("SIGKILL");
    return exited.then(() => undefined);
  };
  expect(await exited).toBe("SIGKILL");
  expect(payments.charges.size).toBe(1);
  expect(await chargeStep(sagaId)).toMatchObject({ status: "running", attempts: 1, output: null });
  expect(await ledger(db)).toEqual([]);

  payments.onRequest = undefined;
  expect(await runSaga(sagaId)).toBe("completed");
  expect(payments.requests.map((r) => r.key)).toEqual([`${sagaId}:0:action`, `${sagaId}:0:action`]);
  expect(payments.charges.size).toBe(1);
  expect(await chargeStep(sagaId)).toMatchObject({ status: "completed", attempts: 2, output: JSON.stringify({ id: "ch_1" }) });
  expect(await ledger(db)).toEqual(["charged ch_1", "confirmed"]);
});
