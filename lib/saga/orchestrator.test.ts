// The engine on a saga of its own (not the order saga): ordering, reverse compensation, write-ahead
// records, and resuming from the database alone after a simulated crash.
import { randomUUID } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { all, get, run } from "../db/sql";
import { getDb, transaction, type Db } from "../db/sqlite";
import { isoNow } from "../db/time";
import { defineSaga, StepFailure } from "./definition";
import type { RunOptions } from "./options";
import { backoff, createSaga, retrySaga, runSaga } from "./orchestrator";

// The saga's effects go to a ledger table, so a test can count how often each action really ran.
function ledger(): string[] {
  return all<{ entry: string }>(getDb(), `SELECT entry FROM test_ledger ORDER BY rowid`).map((row) => row.entry);
}

function write(db: Db, entry: string): void {
  run(db, `INSERT INTO test_ledger (entry) VALUES (?)`, entry);
}

const failAt = { step: "" };
const toy = defineSaga<{ id: string }>({
  name: "toy",
  subject: "order",
  load: (_db, id) => ({ id }),
  steps: ["a", "b", "c"].map((name) => ({
    name,
    compensation: `undo_${name}`,
    durationMs: 50,
    timeoutMs: 500,
    retry: { attempts: 3, backoffMs: 10, maxBackoffMs: 40 },
    compensationRetry: { attempts: 2, backoffMs: 10, maxBackoffMs: 40 },
    action(db: Db) {
      write(db, `do ${name}`);
      if (failAt.step === name) throw new StepFailure(`${name} refused`);
      if (failAt.step === `${name}!`) throw new Error("disk on fire");
      return `did ${name}`;
    },
    compensate(db: Db) {
      write(db, `undo ${name}`);
    },
  })),
});

function newSaga(options: RunOptions = {}): string {
  const orderId = randomUUID();
  const sagaId = randomUUID();
  transaction((db) => {
    run(
      db,
      `INSERT INTO orders (id, user_id, product_id, quantity, amount_cents, status, created_at, updated_at) VALUES (?, 'u', 'p', 1, 1, 'pending', ?, ?)`,
      orderId,
      isoNow(),
      isoNow(),
    );
    createSaga(db, toy, sagaId, orderId, options);
  });
  return sagaId;
}

function steps(sagaId: string) {
  return all<{ name: string; status: string; attempts: number; error: string | null }>(
    getDb(),
    `SELECT name, status, attempts, error FROM saga_steps WHERE saga_id = ? ORDER BY position`,
    sagaId,
  );
}

function sagaStatus(sagaId: string): string | undefined {
  return get<{ status: string }>(getDb(), `SELECT status FROM sagas WHERE id = ?`, sagaId)?.status;
}

beforeEach(() => {
  getDb().exec(`CREATE TABLE IF NOT EXISTS test_ledger (entry TEXT NOT NULL); DELETE FROM test_ledger;`);
  failAt.step = "";
  process.env.SAGA_DELAY_SCALE = "0";
});
afterEach(() => {
  process.env.SAGA_DELAY_SCALE = "0";
});

describe("running a saga", () => {
  it("runs every step in order and completes", async () => {
    const sagaId = newSaga();
    expect(await runSaga(sagaId)).toBe("completed");
    expect(ledger()).toEqual(["do a", "do b", "do c"]);
    expect(steps(sagaId).map((s) => s.status)).toEqual(["completed", "completed", "completed"]);
  });

  it("compensates the completed steps in reverse order when one fails, and leaves the rest pending", async () => {
    failAt.step = "c";
    const sagaId = newSaga();
    expect(await runSaga(sagaId)).toBe("failed");
    // The failed action's own write was rolled back with its savepoint.
    expect(ledger()).toEqual(["do a", "do b", "undo b", "undo a"]);
    expect(steps(sagaId)).toMatchObject([
      { name: "a", status: "compensated" },
      { name: "b", status: "compensated" },
      { name: "c", status: "failed", error: "c refused" },
    ]);
    expect(get(getDb(), `SELECT error FROM sagas WHERE id = ?`, sagaId)).toEqual({ error: "c refused" });
  });

  it("treats an unexpected error as a failed step and still compensates", async () => {
    failAt.step = "b!";
    const sagaId = newSaga();
    expect(await runSaga(sagaId)).toBe("failed");
    // An unexpected error may be passing: it is retried as the policy allows, then the step fails.
    expect(steps(sagaId)[1]).toMatchObject({ status: "failed", attempts: 3, error: "Unexpected error: disk on fire (gave up after 3 attempts)" });
    expect(ledger()).toEqual(["do a", "undo a"]);
  });

  it("records a step as running before its action runs (write-ahead)", async () => {
    process.env.SAGA_DELAY_SCALE = "4"; // each step waits 200 ms before its action
    const sagaId = newSaga();
    const done = runSaga(sagaId);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(sagaStatus(sagaId)).toBe("processing");
    expect(steps(sagaId).map((s) => s.status)).toEqual(["running", "pending", "pending"]);
    expect(ledger()).toEqual([]);
    expect(await done).toBe("completed");
  });

  it("drives a saga once even when asked twice at the same time", async () => {
    const sagaId = newSaga();
    const [first, second] = await Promise.all([runSaga(sagaId), runSaga(sagaId)]);
    expect([first, second]).toEqual(["completed", "completed"]);
    expect(ledger()).toEqual(["do a", "do b", "do c"]);
  });

  it("stops quietly when its rows are deleted mid-run (a reset), writing nothing more", async () => {
    process.env.SAGA_DELAY_SCALE = "2";
    const sagaId = newSaga();
    const done = runSaga(sagaId);
    await new Promise((resolve) => setTimeout(resolve, 30));
    transaction((db) => run(db, `DELETE FROM orders`));
    expect(await done).toBeUndefined();
    expect(ledger()).toEqual([]);
  });
});

describe("resuming after a crash, from the database alone", () => {
  // A crash leaves exactly what the last committed transaction wrote; these set that state up directly.
  it("re-runs a step that was running when the process died, and finishes", async () => {
    const sagaId = newSaga();
    transaction((db) => {
      run(db, `UPDATE sagas SET status = 'processing' WHERE id = ?`, sagaId);
      run(db, `UPDATE saga_steps SET status = 'completed', attempts = 1 WHERE saga_id = ? AND position = 0`, sagaId);
      run(db, `UPDATE saga_steps SET status = 'running', attempts = 1 WHERE saga_id = ? AND position = 1`, sagaId);
      write(db, "do a");
    });
    expect(await runSaga(sagaId)).toBe("completed");
    expect(ledger()).toEqual(["do a", "do b", "do c"]);
    expect(steps(sagaId).map((s) => s.attempts)).toEqual([1, 2, 1]);
  });

  it("finishes a compensation that was under way, without undoing anything twice", async () => {
    const sagaId = newSaga();
    transaction((db) => {
      run(db, `UPDATE sagas SET status = 'compensating' WHERE id = ?`, sagaId);
      run(db, `UPDATE saga_steps SET status = 'completed' WHERE saga_id = ? AND position = 0`, sagaId);
      run(db, `UPDATE saga_steps SET status = 'compensated' WHERE saga_id = ? AND position = 1`, sagaId);
      run(db, `UPDATE saga_steps SET status = 'failed', error = 'c refused' WHERE saga_id = ? AND position = 2`, sagaId);
      write(db, "do a");
      write(db, "do b");
      write(db, "undo b");
    });
    expect(await runSaga(sagaId)).toBe("failed");
    expect(ledger()).toEqual(["do a", "do b", "undo b", "undo a"]);
    expect(steps(sagaId).map((s) => s.status)).toEqual(["compensated", "compensated", "failed"]);
  });
});

function eventsOf(sagaId: string) {
  return all<{ step: string | null; phase: string; outcome: string; error: string | null; created_at: string }>(
    getDb(),
    `SELECT step, phase, outcome, error, created_at FROM saga_events WHERE saga_id = ? ORDER BY id`,
    sagaId,
  );
}

describe("retries, timeouts and injected faults", () => {
  it("retries a transient failure with backoff and records every attempt", async () => {
    const sagaId = newSaga({ faults: { b: { transient: 2 } } });
    expect(await runSaga(sagaId)).toBe("completed");
    expect(steps(sagaId)[1]).toMatchObject({ status: "completed", attempts: 3, error: null });
    expect(eventsOf(sagaId).filter((e) => e.step === "b").map((e) => `${e.outcome}${e.error ? `: ${e.error}` : ""}`)).toEqual([
      "running",
      "retrying: Injected transient failure (attempt 1)",
      "running",
      "retrying: Injected transient failure (attempt 2)",
      "running",
      "completed",
    ]);
    expect(ledger()).toEqual(["do a", "do b", "do c"]);
  });

  it("gives up when the attempts run out, then compensates", async () => {
    const sagaId = newSaga({ faults: { b: { transient: 5 } } });
    expect(await runSaga(sagaId)).toBe("failed");
    expect(steps(sagaId)[1]).toMatchObject({
      status: "failed",
      attempts: 3,
      error: "Injected transient failure (attempt 3) (gave up after 3 attempts)",
    });
    expect(ledger()).toEqual(["do a", "undo a"]);
  });

  it("never retries a business failure, injected or real", async () => {
    const injected = newSaga({ faults: { b: { fail: true } } });
    expect(await runSaga(injected)).toBe("failed");
    expect(steps(injected)[1]).toMatchObject({ status: "failed", attempts: 1, error: "Injected failure" });
    failAt.step = "c";
    const real = newSaga();
    expect(await runSaga(real)).toBe("failed");
    expect(steps(real)[2]).toMatchObject({ status: "failed", attempts: 1, error: "c refused" });
  });

  it("times an attempt out and retries it", async () => {
    process.env.SAGA_DELAY_SCALE = "0.1"; // work 5 ms, timeout 50 ms
    const sagaId = newSaga({ faults: { a: { timeouts: 1 } } });
    expect(await runSaga(sagaId)).toBe("completed");
    expect(steps(sagaId)[0]).toMatchObject({ status: "completed", attempts: 2 });
    expect(eventsOf(sagaId).find((e) => e.outcome === "retrying")).toMatchObject({ step: "a", error: "Timed out after 50 ms" });
  });

  it("fails a step before its simulated work when the failure is a business one, as the seed's services do", async () => {
    process.env.SAGA_DELAY_SCALE = "4"; // each step works 200 ms
    failAt.step = "b";
    const sagaId = newSaga();
    expect(await runSaga(sagaId)).toBe("failed");
    const events = eventsOf(sagaId).filter((e) => e.phase === "action");
    const at = (step: string, outcome: string) => Date.parse(events.find((e) => e.step === step && e.outcome === outcome)!.created_at);
    expect(at("a", "completed") - at("a", "running")).toBeGreaterThanOrEqual(190);
    expect(at("b", "failed") - at("b", "running")).toBeLessThan(100);
  });

  it("retries a failing compensation and finishes when it recovers", async () => {
    failAt.step = "c";
    const sagaId = newSaga({ faults: { a: { compensation_failures: 1 } } });
    expect(await runSaga(sagaId)).toBe("failed");
    expect(get(getDb(), `SELECT status, compensation_attempts AS n FROM saga_steps WHERE saga_id = ? AND position = 0`, sagaId)).toEqual({
      status: "compensated",
      n: 2,
    });
    expect(ledger()).toEqual(["do a", "do b", "undo b", "undo a"]);
  });

  it("stops a saga whose compensation keeps failing in compensation_failed, until an operator retries it", async () => {
    failAt.step = "c";
    // Two attempts a round (the toy's policy): three failures outlast the first round, not the second.
    const sagaId = newSaga({ faults: { a: { compensation_failures: 3 } } });
    expect(await runSaga(sagaId)).toBe("compensation_failed");
    expect(sagaStatus(sagaId)).toBe("compensation_failed");
    expect(steps(sagaId)[0]).toMatchObject({
      status: "compensation_failed",
      error: "undo_a failed: Injected compensation failure (attempt 2) (gave up after 2 attempts)",
    });
    expect(ledger()).toEqual(["do a", "do b", "undo b"]);

    expect(await retrySaga(sagaId)).toBe("failed");
    expect(steps(sagaId)[0]).toMatchObject({ status: "compensated" });
    expect(ledger()).toEqual(["do a", "do b", "undo b", "undo a"]);
    expect(eventsOf(sagaId).filter((e) => e.phase === "saga").map((e) => e.outcome)).toEqual([
      "pending",
      "processing",
      "compensating",
      "compensation_failed",
      "compensating",
      "failed",
    ]);
  });

  it("leaves a saga that is not stuck alone when asked to retry it", async () => {
    const sagaId = newSaga();
    await runSaga(sagaId);
    expect(await retrySaga(sagaId)).toBe("completed");
    expect(ledger()).toEqual(["do a", "do b", "do c"]);
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
