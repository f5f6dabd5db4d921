// A replica that loses its lease while a step waits on a service (it paused past the lease, and another
// replica claimed the saga): its heartbeat finds the lease gone and the run stops at once. The call is
// cut off, nothing more is written, and the step is left for the replica that holds the saga now.
// PostgreSQL only: one process alone (SQLite) has no other replica and no heartbeat.
import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from "vitest";
import { database, type Database } from "../db/client";
import { ledger, resetLedger } from "../../tests/engine/ledger";
import { startPaymentService, type PaymentRequest, type PaymentService } from "../../tests/engine/payment-service";
import { paymentService, remote } from "../../tests/engine/toy-saga";
import type { SagaDefinition } from "./definition";
import { runSaga, startSaga } from ".";
import { registerSagas } from "./registry";

let db: Database;
let payments: PaymentService;

// The remote toy saga, with a charge that may take two minutes: only the loss of the lease ends its wait.
const patient: SagaDefinition<{ id: string }> = {
  ...remote,
  name: "patient",
  steps: [{ ...remote.steps[0], timeoutMs: 120_000 }, remote.steps[1]],
};

const leaseSeconds = process.env.SAGA_LEASE_SECONDS;
beforeAll(async () => {
  // A heartbeat every 200 ms.
  process.env.SAGA_LEASE_SECONDS = "0.6";
  db = await database();
  registerSagas([patient]);
  payments = await startPaymentService();
  paymentService.url = payments.url;
});
afterAll(async () => {
  process.env.SAGA_LEASE_SECONDS = leaseSeconds;
  await payments.close();
});
beforeEach(async () => {
  await resetLedger(db);
  payments.reset();
});
let release: () => void = () => undefined;
afterEach(() => release());

it("stops a run at once when its heartbeat finds that another replica holds the saga: the call is cut off, nothing is written", async () => {
  expect(db.provider).toBe("postgresql");
  // The service takes the charge, then holds its answer until the test ends.
  const arrived = new Promise<PaymentRequest>((resolve) => {
    payments.onRequest = (request) => {
      resolve(request);
      return new Promise<void>((done) => (release = done));
    };
  });
  const id = randomUUID();
  const started = await startSaga({ id, definition: patient, subjectId: id, subject: { id }, options: {} });
  const running = runSaga(started);
  const request = await arrived;

  // Another replica claims the saga, as it would once this one had paused past its lease.
  const taken = await db.write((tx) =>
    tx.saga.updateMany({ where: { id }, data: { leaseOwner: "another-replica", leaseExpiresAt: new Date(Date.now() + 60_000) } }),
  );
  expect(taken.count).toBe(1);

  // The run ends without waiting out the step's two minutes, and without an outcome.
  expect(await running).toBeUndefined();
  // The service hears the caller hang up (its socket closes a moment after the abort).
  for (let polls = 0; !request.aborted && polls < 600; polls++) await new Promise((resolve) => setTimeout(resolve, 50));
  expect(request.aborted).toBe(true);
  const saga = await db.read.saga.findUniqueOrThrow({ where: { id }, include: { steps: { orderBy: { position: "asc" } } } });
  expect(saga.status).toBe("processing");
  expect(saga.leaseOwner).toBe("another-replica");
  expect(saga.steps.map(({ name, status, attempts }) => ({ name, status, attempts }))).toEqual([
    { name: "charge", status: "running", attempts: 1 },
    { name: "confirm", status: "pending", attempts: 0 },
  ]);
  expect(await ledger(db)).toEqual([]);
  // One request, never retried by this replica.
  expect(payments.requests).toHaveLength(1);
});
