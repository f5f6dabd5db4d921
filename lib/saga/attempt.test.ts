// An attempt's work (doWork): what a call cut off at the step's timeout comes to.
import { expect, it } from "vitest";
import type { Database } from "../db/client";
import { doWork } from "./attempt";
import { TransientError, type SagaStep, type StepContext } from "./definition";

/** A step whose call answers only when its signal fires, with `failure` (a client's, as lib/services/client.ts throws). */
function hangingCall(failure: () => Error): SagaStep<null> {
  return {
    name: "charge",
    compensation: "refund",
    durationMs: 0,
    timeoutMs: 30,
    retry: { attempts: 3, backoffMs: 1, maxBackoffMs: 1 },
    compensationRetry: { attempts: 3, backoffMs: 1, maxBackoffMs: 1 },
    call: ({ signal }) => new Promise((_, reject) => signal.addEventListener("abort", () => reject(failure()), { once: true })),
  };
}

const context = (signal: AbortSignal): StepContext<null> => ({
  subject: null,
  sagaId: "s",
  idempotencyKey: "s:0:action",
  attempt: 1,
  signal,
});
const work = (step: SagaStep<null>) =>
  doWork(undefined as unknown as Database, step, "action", 1, {}, context, new AbortController().signal);

it("times out a call, and keeps the wait its own failure asked for (the breaker its timeout opened)", async () => {
  const done = await work(
    hangingCall(() => Object.assign(new TransientError("The payment service did not answer in time"), { retryAfterMs: 1_234 })),
  );
  expect(done.failure).toBeInstanceOf(TransientError);
  expect((done.failure as TransientError).message).toBe("Timed out after 30 ms");
  expect((done.failure as TransientError).retryAfterMs).toBe(1_234);
  // The request was on its way: it may have reached the service.
  expect(done.mayHaveReached).toBe(true);
});

it("times out a call whose failure asks for no wait: the retry keeps its own backoff", async () => {
  const done = await work(hangingCall(() => new TransientError("The payment service did not answer in time")));
  expect((done.failure as TransientError).message).toBe("Timed out after 30 ms");
  expect((done.failure as TransientError).retryAfterMs).toBeUndefined();
});

it("says a call refused at the door had no effect", async () => {
  const refused = Object.assign(new TransientError("The payment service did not answer POST /charges: ECONNREFUSED"), {
    undelivered: true,
  });
  const done = await doWork(
    undefined as unknown as Database,
    { ...hangingCall(() => refused), call: () => Promise.reject(refused) },
    "action",
    1,
    {},
    context,
    new AbortController().signal,
  );
  expect(done.failure).toBe(refused);
  expect(done.mayHaveReached).toBe(false);
});
