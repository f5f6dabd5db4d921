/**
 * Sagas of the engine tests' own, about no order: `toy` has three local steps a, b, c; `remote` has one
 * step that charges a small HTTP payment service (tests/engine/payment-service.ts) and records the
 * charge, and whose compensation refunds it.
 */
import { StepFailure, TransientError, type SagaDefinition } from "../../lib/saga/definition";
import type { Gate } from "../wait";
import { record } from "./ledger";

/** Which step of the toy saga fails, and how: "b" a business failure, "b!" an unexpected error. */
export const failAt = { step: "" };

/**
 * Where the toy saga stops until a test opens the gate, by step name: in `check`, before the step's
 * simulated work and outside any transaction (the check runs only when there is work to come: set
 * SAGA_DELAY_SCALE above 0), or at the start of `action`, inside the transaction that records the step's
 * outcome. A test that sets one clears it (and opens it) afterwards.
 */
export const holdAt = { check: new Map<string, Gate>(), action: new Map<string, Gate>() };

export const toy: SagaDefinition<{ id: string }> = {
  name: "toy",
  subject: "toy",
  load: async (_read, id) => ({ id }),
  steps: ["a", "b", "c"].map((name) => ({
    name,
    compensation: `undo_${name}`,
    durationMs: 50,
    timeoutMs: 500,
    retry: { attempts: 3, backoffMs: 10, maxBackoffMs: 40 },
    compensationRetry: { attempts: 2, backoffMs: 10, maxBackoffMs: 40 },
    async check() {
      await holdAt.check.get(name)?.pass();
      if (failAt.step === name) throw new StepFailure(`${name} refused`);
    },
    async action(tx) {
      await holdAt.action.get(name)?.pass();
      await record(tx, `do ${name}`);
      if (failAt.step === name) throw new StepFailure(`${name} refused`);
      if (failAt.step === `${name}!`) throw new Error("disk on fire");
      return `did ${name}`;
    },
    async compensate(tx) {
      await record(tx, `undo ${name}`);
    },
  })),
};

/** Where the remote saga's payment service listens (set by the test before it runs a saga). */
export const paymentService = { url: process.env.PAYMENT_SERVICE_URL ?? "" };

async function post(path: string, key: string, signal: AbortSignal, body: unknown) {
  const response = await fetch(`${paymentService.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", "idempotency-key": key },
    body: JSON.stringify(body),
    signal,
  });
  if (response.status === 402) throw new StepFailure("Card declined");
  if (!response.ok) throw new TransientError(`Payment service answered ${response.status}`);
  return (await response.json()) as { id: string };
}

export const remote: SagaDefinition<{ id: string }> = {
  name: "remote",
  subject: "toy",
  load: async (_read, id) => ({ id }),
  steps: [
    {
      name: "charge",
      compensation: "refund",
      durationMs: 0,
      timeoutMs: 1_000,
      retry: { attempts: 3, backoffMs: 10, maxBackoffMs: 40 },
      compensationRetry: { attempts: 3, backoffMs: 10, maxBackoffMs: 40 },
      // Outside any transaction: the same key on every attempt and resume.
      call: ({ subject, idempotencyKey, signal }) => post("/charges", idempotencyKey, signal, { toy: subject.id, amount: 500 }),
      // In the transaction that records the outcome, with what the service answered.
      async action(tx, { answer }) {
        const charge = answer as { id: string };
        await record(tx, `charged ${charge.id}`);
        return `Charged ${charge.id}`;
      },
      compensateCall: ({ answer, idempotencyKey, signal }) =>
        post("/refunds", idempotencyKey, signal, { charge: (answer as { id: string }).id }),
      async compensate(tx, { answer }) {
        await record(tx, `refunded ${(answer as { id: string }).id}`);
      },
    },
    {
      name: "confirm",
      compensation: "no_compensation",
      durationMs: 0,
      timeoutMs: 200,
      retry: { attempts: 1, backoffMs: 10, maxBackoffMs: 10 },
      compensationRetry: { attempts: 1, backoffMs: 10, maxBackoffMs: 10 },
      async action(tx) {
        if (failAt.step === "confirm") throw new StepFailure("confirmation refused");
        await record(tx, "confirmed");
      },
    },
  ],
};
