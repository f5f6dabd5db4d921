// The bulkhead in front of each service, and an attempt's timeout around its call: a burst of sagas
// queues at the orchestrator instead of timing out at the service, and an attempt ends at its timeout
// even when a call pays no attention to its signal (seen under load: sagas left `processing` for good).
import { describe, expect, it } from "vitest";
import type { Database } from "../db/client";
import { doWork } from "./attempt";
import { Bulkhead, bulkheadOf } from "./bulkhead";
import type { SagaStep, StepContext } from "./definition";

const never = new AbortController().signal;

describe("a bulkhead", () => {
  it("lets `slots` in at once, and the others in the order they came as slots free", async () => {
    const bulkhead = new Bulkhead(2);
    const first = await bulkhead.take(never);
    const second = await bulkhead.take(never);
    const order: string[] = [];
    const third = bulkhead.take(never).then((release) => (order.push("third"), release));
    const fourth = bulkhead.take(never).then((release) => (order.push("fourth"), release));
    expect(bulkhead.view()).toEqual({ busy: 2, waiting: 2 });

    first();
    first(); // a second release of the same slot frees nothing more
    (await third)();
    second();
    (await fourth)();
    expect(order).toEqual(["third", "fourth"]);
    expect(bulkhead.view()).toEqual({ busy: 0, waiting: 0 });
  });

  it("drops a waiter whose signal fires, with the signal's reason, and keeps its place for the next", async () => {
    const bulkhead = new Bulkhead(1);
    const held = await bulkhead.take(never);
    const gaveUp = new AbortController();
    const waiting = bulkhead.take(gaveUp.signal);
    const next = bulkhead.take(never);
    gaveUp.abort(new Error("lease lost"));
    await expect(waiting).rejects.toThrow("lease lost");
    expect(bulkhead.view()).toEqual({ busy: 1, waiting: 1 });
    held();
    (await next)();
    expect(bulkhead.view()).toEqual({ busy: 0, waiting: 0 });
  });
});

describe("an attempt that calls a service", () => {
  const context = (signal: AbortSignal): StepContext<null> => ({ subject: null, sagaId: "s", idempotencyKey: "k", attempt: 1, signal });
  const step = (service: string, call: SagaStep<null>["call"]): SagaStep<null> => ({
    name: "call_it",
    compensation: "undo_it",
    service,
    durationMs: 0,
    timeoutMs: 50,
    retry: { attempts: 1, backoffMs: 1, maxBackoffMs: 1 },
    compensationRetry: { attempts: 1, backoffMs: 1, maxBackoffMs: 1 },
    call,
  });
  const work = (s: SagaStep<null>, cancel = never) => doWork({} as Database, s, "action", 1, {}, context, cancel);

  it("ends at its timeout even when its call pays no attention to the signal", async () => {
    const done = await work(step("Deaf", () => new Promise(() => {})));
    expect(done.failure).toMatchObject({ name: "TransientError", message: "Timed out after 50 ms" });
    expect(bulkheadOf("Deaf").view()).toEqual({ busy: 0, waiting: 0 });
  });

  it("starts its timeout once it has a slot: waiting behind others is not the service being slow", async () => {
    const bulkhead = bulkheadOf("Busy");
    const held = await Promise.all(Array.from({ length: bulkhead.slots }, () => bulkhead.take(never)));
    let calledAt = 0;
    const attempt = work(step("Busy", async () => ((calledAt = Date.now()), "answered")));
    await new Promise((resolve) => setTimeout(resolve, 120)); // more than the step's 50 ms timeout
    expect(bulkhead.view().waiting).toBe(1);
    held.forEach((release) => release());
    const done = await attempt;
    expect(done).toMatchObject({ answer: "answered" });
    expect(done.failure).toBeUndefined();
    expect(calledAt).toBeGreaterThan(0);
  });

  it("gives up its place in line when the run is cancelled (a lost lease, a shutdown)", async () => {
    const bulkhead = bulkheadOf("Full");
    const held = await Promise.all(Array.from({ length: bulkhead.slots }, () => bulkhead.take(never)));
    const cancel = new AbortController();
    const attempt = work(
      step("Full", async () => "never called"),
      cancel.signal,
    );
    cancel.abort(new Error("lease lost"));
    expect((await attempt).failure).toMatchObject({ message: "lease lost" });
    expect(bulkhead.view().waiting).toBe(0);
    held.forEach((release) => release());
  });
});
