// Step by step, on the engine's own toy saga (tests/engine/toy-saga.ts): the run itself waits, on the
// server, before each transition, until an operator continues it or the pause times out; one continue
// moves one transition; the pause is in the database, so a run resumed from the database alone waits
// again; and shutdown cuts a pause short without ending it.
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../db/client";
import { failAt } from "../../tests/engine/toy-saga";
import { useToySaga } from "../../tests/engine/use-toy-saga";
import { until, within } from "../../tests/wait";
import { drain, runSaga, settleRunningSagas } from ".";
import { continueSaga } from "./stepping";

const SCOPE = "stepping-tests";
const toys = useToySaga({ scope: SCOPE });
const { newSaga, ledger } = toys;
const started = (id: string) => toys.started(id)!;
let db: Database;

beforeAll(() => {
  db = toys.db;
});
afterEach(async () => {
  // A test that failed midway leaves a run waiting: continue it until every run has ended.
  let settled = false;
  const done = settleRunningSagas().then(() => (settled = true));
  for (;;) {
    await Promise.race([done, new Promise((resolve) => setTimeout(resolve, 20))]);
    if (settled) break;
    const waiting = await db.read.saga.findMany({ where: { waitingSince: { not: null } }, select: { id: true, scope: true } });
    await Promise.all(waiting.map((saga) => continueSaga(saga.id, saga.scope)));
  }
});

/** The saga as a reader of the database sees it: its status, its steps', and what it waits before. */
async function saga(id: string) {
  const row = await db.read.saga.findUniqueOrThrow({ where: { id }, include: { steps: { orderBy: { position: "asc" } } } });
  return {
    status: row.status,
    steps: row.steps.map((step) => step.status),
    waiting: row.waitingPhase === null ? null : `${row.waitingPhase} ${row.waitingBefore}`,
    since: row.waitingSince,
    until: row.waitingUntil,
  };
}

async function events(id: string): Promise<string[]> {
  const rows = await db.read.sagaEvent.findMany({ where: { sagaId: id }, orderBy: { id: "asc" } });
  return rows.map((event) => `${event.step ?? "saga"} ${event.phase === "compensation" ? "undo " : ""}${event.outcome}`);
}

/** Waits until the saga waits before `what` ("action b", "compensation a", "saga completed"). */
function pausedBefore(id: string, what: string) {
  return until(`saga to wait before ${what}`, async () => {
    const now = await saga(id);
    return now.waiting === what && now;
  });
}

/** An operator's continue, as POST /sagas/{id}/continue makes it; resolves once the next move has begun. */
async function next(id: string): Promise<void> {
  expect(await continueSaga(id, SCOPE)).toEqual({ kind: "continued" });
}

describe("a step-by-step saga", () => {
  it("is recorded pending, waiting before its first step, and moves one transition a continue", async () => {
    const id = await newSaga({ step_by_step: true });
    // With the delays off, the whole toy saga would otherwise have run in the transaction that recorded it.
    expect(await saga(id)).toMatchObject({ status: "pending", steps: ["pending", "pending", "pending"], waiting: "action a" });
    expect(await events(id)).toEqual(["saga pending"]);
    const { since, until: resumesAt } = await saga(id);
    expect(resumesAt!.getTime() - since!.getTime()).toBe(300_000);

    const run = runSaga(started(id));
    await next(id);
    expect(await pausedBefore(id, "action b")).toMatchObject({ status: "processing", steps: ["completed", "pending", "pending"] });
    // One continue, one transition: a ran, and nothing of b.
    expect(await ledger()).toEqual(["do a"]);
    expect(await events(id)).toEqual(["saga pending", "saga processing", "a running", "a completed"]);

    await next(id);
    await pausedBefore(id, "action c");
    expect(await ledger()).toEqual(["do a", "do b"]);
    await next(id);
    // Even the saga's end waits for its turn.
    expect(await pausedBefore(id, "saga completed")).toMatchObject({
      status: "processing",
      steps: ["completed", "completed", "completed"],
    });
    await next(id);
    expect(await run).toBe("completed");
    expect(await saga(id)).toMatchObject({ status: "completed", waiting: null, since: null, until: null });
    expect(await events(id)).toEqual([
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
  });

  it("waits before each compensation and before it ends failed", async () => {
    failAt.step = "c";
    const id = await newSaga({ step_by_step: true });
    const run = runSaga(started(id));
    await next(id);
    await pausedBefore(id, "action b");
    await next(id);
    await pausedBefore(id, "action c");
    await next(id);
    // c failed: the saga compensates, but b's compensation waits for its turn.
    expect(await pausedBefore(id, "compensation b")).toMatchObject({ status: "compensating", steps: ["completed", "completed", "failed"] });
    expect(await ledger()).toEqual(["do a", "do b"]);
    await next(id);
    expect(await pausedBefore(id, "compensation a")).toMatchObject({ steps: ["completed", "compensated", "failed"] });
    expect(await ledger()).toEqual(["do a", "do b", "undo b"]);
    await next(id);
    expect(await pausedBefore(id, "saga failed")).toMatchObject({
      status: "compensating",
      steps: ["compensated", "compensated", "failed"],
    });
    await next(id);
    expect(await run).toBe("failed");
    expect(await ledger()).toEqual(["do a", "do b", "undo b", "undo a"]);
  });

  it("waits before a retried attempt too", async () => {
    const id = await newSaga({ step_by_step: true, faults: { a: { transient: 1 } } });
    const run = runSaga(started(id));
    await next(id);
    // The first attempt failed; the second waits.
    expect(await pausedBefore(id, "action a")).toMatchObject({ status: "processing", steps: ["running", "pending", "pending"] });
    expect(await events(id)).toEqual(["saga pending", "saga processing", "a running", "a retrying"]);
    await next(id);
    await pausedBefore(id, "action b");
    expect(await events(id)).toEqual(["saga pending", "saga processing", "a running", "a retrying", "a running", "a completed"]);
    for (const what of ["action c", "saga completed"]) {
      await next(id);
      await pausedBefore(id, what);
    }
    await next(id);
    expect(await run).toBe("completed");
  });

  it("goes on by itself when a pause times out", async () => {
    const id = await newSaga({ step_by_step: true, step_timeout_seconds: 1 });
    const { since, until: resumesAt } = await saga(id);
    expect(resumesAt!.getTime() - since!.getTime()).toBe(1_000);
    const begun = Date.now();
    // Nobody continues it: four pauses of a second each.
    expect(await within("the saga to time its pauses out", runSaga(started(id)))).toBe("completed");
    expect(Date.now() - begun).toBeGreaterThanOrEqual(3_900);
    expect(await ledger()).toEqual(["do a", "do b", "do c"]);
  });

  it("answers a continue only for a saga that waits, in its own scope", async () => {
    const id = await newSaga({ step_by_step: true });
    expect(await continueSaga(id, "another-scope")).toEqual({ kind: "not_found" });
    expect(await continueSaga("no-such-saga", SCOPE)).toEqual({ kind: "not_found" });
    expect((await saga(id)).waiting).toBe("action a");
    const plain = await newSaga({});
    expect(await runSaga(started(plain))).toBe("completed");
    expect(await continueSaga(plain, SCOPE)).toEqual({ kind: "not_waiting", status: "completed" });
    // Nothing runs the first one: removed, as a reset would.
    await db.write((tx) => tx.saga.deleteMany({ where: { id } }));
  });

  it("waits again where it was when a new process resumes it from the database alone", async () => {
    // Recorded, then the process died before running it: the next start finds it waiting before a.
    const id = await newSaga({ step_by_step: true });
    const before = await saga(id);
    const run = runSaga(id);
    // The next start's run takes the pause as it stands: the same one, not a new one.
    expect(await pausedBefore(id, "action a")).toMatchObject({ status: "pending", since: before.since, until: before.until });
    expect(await ledger()).toEqual([]);
    await next(id);
    await pausedBefore(id, "action b");
    expect(await ledger()).toEqual(["do a"]);
    for (const what of ["action c", "saga completed"]) {
      await next(id);
      await pausedBefore(id, what);
    }
    await next(id);
    expect(await run).toBe("completed");
  });
});

// Last: shutdown stops this process's engine for good.
describe("shutdown", () => {
  it("cuts a pause short: the run stops at once, and the saga stays waiting in the database for the next start", async () => {
    const id = await newSaga({ step_by_step: true });
    const run = runSaga(started(id));
    await next(id);
    const paused = await pausedBefore(id, "action b");
    await within("drain to stop the waiting run", drain(), 10_000);
    expect(await run).toBeUndefined();
    expect(await saga(id)).toEqual(paused);
    expect(await ledger()).toEqual(["do a"]);
  });
});
