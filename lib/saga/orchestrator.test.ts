// The engine on sagas of its own (tests/engine/toy-saga.ts, about no order): ordering, reverse
// compensation, write-ahead records, retries, and resuming from the database alone after a crash.
import { beforeAll, beforeEach, afterEach, describe, expect, it } from "vitest";
import type { Database } from "../db/client";
import { record } from "../../tests/engine/ledger";
import { failAt, holdAt } from "../../tests/engine/toy-saga";
import { gate } from "../../tests/wait";
import { useToySaga } from "../../tests/engine/use-toy-saga";
import { backoff, retrySaga, runSaga, settleRunningSagas } from ".";

// A saga started by this process is run from where startSaga left it (as the app does); one run by its
// id alone is read from the database, as after a crash.
const toys = useToySaga();
const { newSaga, ledger, run } = toys;
let db: Database;

beforeAll(() => {
  db = toys.db;
});
beforeEach(() => {
  process.env.SAGA_DELAY_SCALE = "0";
});
afterEach(async () => {
  process.env.SAGA_DELAY_SCALE = "0";
  // A test that failed while holding a step lets it go, so that its run ends and frees the writer.
  for (const held of [...holdAt.check.values(), ...holdAt.action.values()]) held.open();
  holdAt.check.clear();
  holdAt.action.clear();
  await settleRunningSagas();
});

/** A saga recorded with its first step begun and nothing run yet: simulated work to wait for keeps it there. */
async function recordedOnly(): Promise<string> {
  process.env.SAGA_DELAY_SCALE = "1";
  try {
    return await newSaga();
  } finally {
    process.env.SAGA_DELAY_SCALE = "0";
  }
}

function steps(sagaId: string) {
  return db.read.sagaStep.findMany({
    where: { sagaId },
    orderBy: { position: "asc" },
    select: { name: true, status: true, attempts: true, error: true },
  });
}

async function sagaStatus(sagaId: string) {
  return (await db.read.saga.findUnique({ where: { id: sagaId } }))?.status;
}

/** The saga's own transitions, in order. */
async function sagaOutcomes(sagaId: string) {
  return (await eventsOf(sagaId)).filter((e) => e.phase === "saga").map((e) => e.outcome);
}

function eventsOf(sagaId: string) {
  return db.read.sagaEvent.findMany({ where: { sagaId }, orderBy: { id: "asc" } });
}

/** Sets up what a crash would have left: the saga's status and some of its steps'. */
async function crashedAt(
  sagaId: string,
  status: string,
  stepStates: Record<number, { status: string; attempts?: number; error?: string }>,
  entries: string[],
) {
  await db.write(async (tx) => {
    await tx.saga.update({ where: { id: sagaId }, data: { status } });
    for (const [position, data] of Object.entries(stepStates)) {
      await tx.sagaStep.update({ where: { sagaId_position: { sagaId, position: Number(position) } }, data });
    }
    for (const entry of entries) await record(tx, entry);
  });
}

describe("running a saga", () => {
  it("runs every step in order and completes", async () => {
    const sagaId = await newSaga();
    expect(await run(sagaId)).toBe("completed");
    expect(await ledger()).toEqual(["do a", "do b", "do c"]);
    expect((await steps(sagaId)).map((s) => s.status)).toEqual(["completed", "completed", "completed"]);
  });

  it("compensates the completed steps in reverse order when one fails, and leaves the rest pending", async () => {
    failAt.step = "c";
    const sagaId = await newSaga();
    expect(await run(sagaId)).toBe("failed");
    // The failed action's own write was rolled back with its transaction.
    expect(await ledger()).toEqual(["do a", "do b", "undo b", "undo a"]);
    expect(await steps(sagaId)).toMatchObject([
      { name: "a", status: "compensated" },
      { name: "b", status: "compensated" },
      { name: "c", status: "failed", error: "c refused" },
    ]);
    expect((await db.read.saga.findUnique({ where: { id: sagaId } }))?.error).toBe("c refused");
  });

  it("treats an unexpected error as a failed step and still compensates", async () => {
    failAt.step = "b!";
    const sagaId = await newSaga();
    expect(await run(sagaId)).toBe("failed");
    // An unexpected error may be passing: it is retried as the policy allows, then the step fails.
    expect((await steps(sagaId))[1]).toMatchObject({
      status: "failed",
      attempts: 3,
      error: "Unexpected error: disk on fire (gave up after 3 attempts)",
    });
    expect(await ledger()).toEqual(["do a", "undo a"]);
  });

  it("records a step as running before its action runs (write-ahead)", async () => {
    process.env.SAGA_DELAY_SCALE = "0.02"; // some work to wait for (1 ms), so each step commits on its own
    const inB = gate();
    holdAt.action.set("b", inB);
    const sagaId = await newSaga();
    const done = run(sagaId);
    // b's action has begun, inside its transaction: what has committed is a's outcome, with b running.
    await inB.reached;
    expect(await sagaStatus(sagaId)).toBe("processing");
    expect((await steps(sagaId)).map((s) => s.status)).toEqual(["completed", "running", "pending"]);
    expect(await ledger()).toEqual(["do a"]);
    inB.open();
    expect(await done).toBe("completed");
  });

  it("with nothing to wait for, records the saga and runs its steps in one transaction, each step's events in order", async () => {
    const before = db.stats.transactions;
    const sagaId = await newSaga();
    expect(await run(sagaId)).toBe("completed");
    expect(db.stats.transactions - before).toBe(1);
    const events = (await eventsOf(sagaId)).map((e) => `${e.step ?? "saga"} ${e.outcome}`);
    expect(events).toEqual([
      "saga pending",
      "saga processing",
      "a running",
      "a completed",
      "b running",
      "b completed",
      "c running",
      "c completed",
      "saga completed",
    ]);
    expect(await steps(sagaId)).toMatchObject([{ attempts: 1 }, { attempts: 1 }, { attempts: 1 }]);
  });

  it("with simulated work to wait for, commits each step on its own (the timeline shows each as it happens)", async () => {
    process.env.SAGA_DELAY_SCALE = "0.2"; // 10 ms a step
    const sagaId = await newSaga();
    const before = db.stats.transactions;
    expect(await run(sagaId)).toBe("completed");
    expect(db.stats.transactions - before).toBe(3);
  });

  it("when a chained step fails, rolls the chain back: the steps before it commit once, then it fails alone", async () => {
    failAt.step = "c";
    const sagaId = await newSaga();
    expect(await run(sagaId)).toBe("failed");
    expect(await ledger()).toEqual(["do a", "do b", "undo b", "undo a"]);
    // Nothing of the rolled-back chain shows: each step ran once, as the event log tells it.
    const events = (await eventsOf(sagaId)).map((e) => `${e.step ?? "saga"} ${e.outcome}`);
    expect(events).toEqual([
      "saga pending",
      "saga processing",
      "a running",
      "a completed",
      "b running",
      "b completed",
      "c running",
      "c failed",
      "saga compensating",
      "b compensating",
      "b compensated",
      "a compensating",
      "a compensated",
      "saga failed",
    ]);
    expect(await steps(sagaId)).toMatchObject([{ attempts: 1 }, { attempts: 1 }, { attempts: 1 }]);
  });

  it("drives a saga once even when asked twice at the same time", async () => {
    const sagaId = await newSaga();
    const [first, second] = await Promise.all([run(sagaId), run(sagaId)]);
    expect([first, second]).toEqual(["completed", "completed"]);
    expect(await ledger()).toEqual(["do a", "do b", "do c"]);
  });

  it("stops quietly when its rows are deleted mid-run (a reset), writing nothing more", async () => {
    // Work to wait for (50 ms), so a's check runs before it; the attempt's timeout (500 ms) runs meanwhile,
    // and should it strike first, a's next write (the retry) finds the rows gone just the same.
    process.env.SAGA_DELAY_SCALE = "1";
    const inA = gate();
    holdAt.check.set("a", inA);
    const sagaId = await newSaga();
    const done = run(sagaId);
    // a is under way, outside any transaction: its outcome is the run's next write.
    await inA.reached;
    await db.write((tx) => tx.saga.deleteMany({ where: { id: sagaId } }));
    inA.open();
    expect(await done).toBeUndefined();
    expect(await ledger()).toEqual([]);
  });
});

describe("resuming after a crash, from the database alone", () => {
  // A crash leaves exactly what the last committed transaction wrote; these set that state up directly.
  it("re-runs a step that was running when the process died, and finishes", async () => {
    const sagaId = await recordedOnly();
    await crashedAt(sagaId, "processing", { 0: { status: "completed", attempts: 1 }, 1: { status: "running", attempts: 1 } }, ["do a"]);
    expect(await runSaga(sagaId)).toBe("completed");
    expect(await ledger()).toEqual(["do a", "do b", "do c"]);
    expect((await steps(sagaId)).map((s) => s.attempts)).toEqual([1, 2, 1]);
  });

  it("finishes a compensation that was under way, without undoing anything twice", async () => {
    const sagaId = await recordedOnly();
    await crashedAt(
      sagaId,
      "compensating",
      { 0: { status: "completed" }, 1: { status: "compensated" }, 2: { status: "failed", error: "c refused" } },
      ["do a", "do b", "undo b"],
    );
    expect(await runSaga(sagaId)).toBe("failed");
    expect(await ledger()).toEqual(["do a", "do b", "undo b", "undo a"]);
    expect((await steps(sagaId)).map((s) => s.status)).toEqual(["compensated", "compensated", "failed"]);
  });
});

// A saga stuck in compensation_failed that an operator retried, once, to its clean failure.
const RETRIED_ONCE = ["pending", "processing", "compensating", "compensation_failed", "compensating", "failed"];

describe("retries, timeouts and injected faults", () => {
  it("retries a transient failure with backoff and records every attempt", async () => {
    const sagaId = await newSaga({ faults: { b: { transient: 2 } } });
    expect(await run(sagaId)).toBe("completed");
    expect((await steps(sagaId))[1]).toMatchObject({ status: "completed", attempts: 3, error: null });
    expect((await eventsOf(sagaId)).filter((e) => e.step === "b").map((e) => `${e.outcome}${e.error ? `: ${e.error}` : ""}`)).toEqual([
      "running",
      "retrying: Injected transient failure (attempt 1)",
      "running",
      "retrying: Injected transient failure (attempt 2)",
      "running",
      "completed",
    ]);
    expect(await ledger()).toEqual(["do a", "do b", "do c"]);
  });

  it("gives up when the attempts run out, then compensates", async () => {
    const sagaId = await newSaga({ faults: { b: { transient: 5 } } });
    expect(await run(sagaId)).toBe("failed");
    expect((await steps(sagaId))[1]).toMatchObject({
      status: "failed",
      attempts: 3,
      error: "Injected transient failure (attempt 3) (gave up after 3 attempts)",
    });
    expect(await ledger()).toEqual(["do a", "undo a"]);
  });

  it("never retries a business failure, injected or real", async () => {
    const injected = await newSaga({ faults: { b: { fail: true } } });
    expect(await run(injected)).toBe("failed");
    expect((await steps(injected))[1]).toMatchObject({ status: "failed", attempts: 1, error: "Injected failure" });
    failAt.step = "c";
    const real = await newSaga();
    expect(await run(real)).toBe("failed");
    expect((await steps(real))[2]).toMatchObject({ status: "failed", attempts: 1, error: "c refused" });
  });

  it("times an attempt out and retries it", async () => {
    process.env.SAGA_DELAY_SCALE = "0.1"; // work 5 ms, timeout 50 ms
    const sagaId = await newSaga({ faults: { a: { timeouts: 1 } } });
    expect(await run(sagaId)).toBe("completed");
    expect((await steps(sagaId))[0]).toMatchObject({ status: "completed", attempts: 2 });
    expect((await eventsOf(sagaId)).find((e) => e.outcome === "retrying")).toMatchObject({ step: "a", error: "Timed out after 50 ms" });
  });

  it("fails a step before its simulated work when the failure is a business one, as the seed's services do", async () => {
    process.env.SAGA_DELAY_SCALE = "0.1"; // work 5 ms, timeout 50 ms
    failAt.step = "b";
    // b's first attempt would work until it timed out (and be retried): only a check made before that
    // work can fail b on that attempt, at once and for good.
    const sagaId = await newSaga({ faults: { b: { timeouts: 1 } } });
    expect(await run(sagaId)).toBe("failed");
    expect((await steps(sagaId))[1]).toMatchObject({ status: "failed", attempts: 1, error: "b refused" });
    const events = await eventsOf(sagaId);
    const of = (step: string) => events.filter((e) => e.step === step).map((e) => `${e.outcome}${e.error ? `: ${e.error}` : ""}`);
    expect(of("a")).toEqual(["running", "completed", "compensating", "compensated"]);
    expect(of("b")).toEqual(["running", "failed: b refused"]);
  });

  it("retries a failing compensation and finishes when it recovers", async () => {
    failAt.step = "c";
    const sagaId = await newSaga({ faults: { a: { compensation_failures: 1 } } });
    expect(await run(sagaId)).toBe("failed");
    expect(await db.read.sagaStep.findUnique({ where: { sagaId_position: { sagaId, position: 0 } } })).toMatchObject({
      status: "compensated",
      compensationAttempts: 2,
    });
    expect(await ledger()).toEqual(["do a", "do b", "undo b", "undo a"]);
  });

  it("stops a saga whose compensation keeps failing in compensation_failed, until an operator retries it", async () => {
    failAt.step = "c";
    // Two attempts a round (the toy's policy): three failures outlast the first round, not the second.
    const sagaId = await newSaga({ faults: { a: { compensation_failures: 3 } } });
    expect(await run(sagaId)).toBe("compensation_failed");
    expect(await sagaStatus(sagaId)).toBe("compensation_failed");
    expect((await steps(sagaId))[0]).toMatchObject({
      status: "compensation_failed",
      error: "undo_a failed: Injected compensation failure (attempt 2) (gave up after 2 attempts)",
    });
    expect(await ledger()).toEqual(["do a", "do b", "undo b"]);

    expect(await retrySaga(sagaId)).toBe("failed");
    // Cleanly failed now: the saga's error is again why it compensated, and the undone step has none.
    expect((await steps(sagaId))[0]).toMatchObject({ status: "compensated", error: null });
    expect((await db.read.saga.findUnique({ where: { id: sagaId } }))?.error).toBe("c refused");
    expect(await ledger()).toEqual(["do a", "do b", "undo b", "undo a"]);
    expect(await sagaOutcomes(sagaId)).toEqual(RETRIED_ONCE);
  });

  it("runs an operator's retry once when it is asked twice at the same moment (two replicas, two clicks)", async () => {
    failAt.step = "c";
    const sagaId = await newSaga({ faults: { a: { compensation_failures: 3 } } });
    expect(await run(sagaId)).toBe("compensation_failed");
    const answers = await Promise.all([retrySaga(sagaId), retrySaga(sagaId)]);
    expect(answers).toContain("failed");
    await settleRunningSagas();
    expect(await sagaStatus(sagaId)).toBe("failed");
    expect(await ledger()).toEqual(["do a", "do b", "undo b", "undo a"]);
    // One way back from compensation_failed, not two.
    expect(await sagaOutcomes(sagaId)).toEqual(RETRIED_ONCE);
  });

  it("leaves a saga that is not stuck alone when asked to retry it", async () => {
    const sagaId = await newSaga();
    await run(sagaId);
    expect(await retrySaga(sagaId)).toBe("completed");
    expect(await ledger()).toEqual(["do a", "do b", "do c"]);
    expect(await retrySaga("no-such-saga")).toBeUndefined();
  });

  it("backs off exponentially, with a jitter that replays the same way", () => {
    const policy = { attempts: 5, backoffMs: 100, maxBackoffMs: 300 };
    const waits = [1, 2, 3, 4].map((attempt) => backoff(policy, attempt, "saga:1"));
    expect(waits).toEqual([1, 2, 3, 4].map((attempt) => backoff(policy, attempt, "saga:1")));
    [100, 200, 300, 300].forEach((base, i) => {
      expect(waits[i]).toBeGreaterThanOrEqual(base / 2);
      expect(waits[i]).toBeLessThanOrEqual(base);
    });
  });
});
