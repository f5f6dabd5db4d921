// A step's business failure is never retried, even when it comes from another copy of the engine's
// classes: Next.js bundles start-up (which resumes sagas, and takes over other replicas') apart from the
// routes (whose definitions may be the registered ones). Seen on PostgreSQL: a taken-over order whose
// shipping address was invalid was retried three times as an "unexpected error".
import { randomUUID } from "node:crypto";
import { beforeAll, expect, it } from "vitest";
import { database, type Database } from "../db/client";
import type { SagaDefinition } from "./definition";
import { runSaga, startSaga } from ".";
import { registerSagas } from "./registry";

/** StepFailure and TransientError as another bundle's copy of lib/saga/definition.ts defines them. */
class OtherStepFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StepFailure";
  }
}
class OtherTransientError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TransientError";
  }
}

const fails = { with: (): Error => new Error("unset") };
const policy = { attempts: 3, backoffMs: 1, maxBackoffMs: 1 };
const twoSteps: SagaDefinition<{ id: string }> = {
  name: "failure-kinds",
  subject: "thing",
  load: async (_read, id) => ({ id }),
  steps: [
    {
      name: "first",
      compensation: "undo_first",
      durationMs: 0,
      timeoutMs: 1_000,
      retry: policy,
      compensationRetry: policy,
      async action() {},
      async compensate() {},
    },
    {
      name: "second",
      compensation: "no_compensation",
      durationMs: 0,
      timeoutMs: 1_000,
      retry: policy,
      compensationRetry: policy,
      async action() {
        throw fails.with();
      },
    },
  ],
};

let db: Database;
beforeAll(async () => {
  db = await database();
  registerSagas([twoSteps]);
});

async function run() {
  const id = randomUUID();
  const started = await startSaga({ id, definition: twoSteps, subjectId: id, subject: { id }, options: {} });
  const status = await runSaga(started);
  const second = await db.read.sagaStep.findUniqueOrThrow({ where: { sagaId_position: { sagaId: id, position: 1 } } });
  return { status, attempts: second.attempts, error: second.error };
}

it("fails a step at once on another copy's StepFailure, with its own words", async () => {
  fails.with = () => new OtherStepFailure("Shipping address invalid");
  expect(await run()).toEqual({ status: "failed", attempts: 1, error: "Shipping address invalid" });
});

it("retries another copy's TransientError as its policy says, and calls it by its words", async () => {
  fails.with = () => new OtherTransientError("Service busy");
  expect(await run()).toEqual({ status: "failed", attempts: 3, error: "Service busy (gave up after 3 attempts)" });
});
