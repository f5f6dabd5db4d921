// The engine's choices, without a database: which move comes next, and that every status it moves a
// saga to is one that lib/saga/status.ts lists (the run refuses any other).
import { describe, expect, it } from "vitest";
import type { Database } from "../db/client";
import { defaultRetry, validateDefinition, type SagaStep } from "./definition";
import { nextMove, type Move } from "./moves";
import { RunRecord } from "./run-record";
import { isSagaTransition, sagaStatuses, stepStatuses, type SagaStatus, type StepStatus } from "./status";
import type { StepRow } from "./store";
import type { Transition } from "./transition";

const steps = (...statuses: StepStatus[]) => statuses.map((status) => ({ status }));

describe("the next move", () => {
  it("goes forward through the actions, in order, then completes", () => {
    expect(nextMove("pending", steps("pending", "pending"))).toEqual({ kind: "action", position: 0 });
    expect(nextMove("processing", steps("completed", "running", "pending"))).toEqual({ kind: "action", position: 1 });
    expect(nextMove("processing", steps("completed", "completed"))).toEqual({ kind: "completed" });
  });

  it("compensates backward from the last step that did something, then fails", () => {
    expect(nextMove("compensating", steps("completed", "completed", "failed", "pending"))).toEqual({ kind: "compensation", position: 1 });
    expect(nextMove("compensating", steps("completed", "compensated", "failed"))).toEqual({ kind: "compensation", position: 0 });
    // A compensation cut off mid-way (a crash), or one an operator retries, is taken up again.
    expect(nextMove("compensating", steps("completed", "compensating", "failed"))).toEqual({ kind: "compensation", position: 1 });
    expect(nextMove("compensating", steps("compensation_failed", "compensated", "failed"))).toEqual({ kind: "compensation", position: 0 });
    expect(nextMove("compensating", steps("compensated", "compensated", "failed"))).toEqual({ kind: "failed" });
    expect(nextMove("compensating", steps("failed", "pending"))).toEqual({ kind: "failed" });
  });

  it("starts compensating when a step failed while processing", () => {
    expect(nextMove("processing", steps("completed", "failed", "pending"))).toEqual({ kind: "compensating" });
  });

  it("does nothing once the saga has ended, or while it waits for an operator", () => {
    for (const status of ["completed", "failed", "compensation_failed"] as const) {
      expect(nextMove(status, steps("completed", "compensation_failed"))).toEqual({ kind: "none" });
    }
  });

  it("only ever moves a saga along a transition that sagaTransitions lists", () => {
    // Every saga status against every picture of two steps it can have: a pending saga has begun none.
    const pictures = stepStatuses.flatMap((first) => stepStatuses.map((second) => steps(first, second)));
    for (const status of sagaStatuses) {
      for (const picture of status === "pending" ? [steps("pending", "pending")] : pictures) {
        const move = nextMove(status, picture);
        if (move.kind === "compensating" || move.kind === "completed" || move.kind === "failed") {
          expect(isSagaTransition(status, move.kind), `${status} -> ${move.kind} for ${JSON.stringify(picture)}`).toBe(true);
        }
        // An action begins a pending saga's processing; compensations run while compensating.
        if (move.kind === "action") expect(["pending", "processing"]).toContain(status);
        if (move.kind === "compensation") expect(status).toBe("compensating");
      }
    }
  });
});

describe("a definition", () => {
  const step = {
    name: "one",
    compensation: "undo_one",
    durationMs: 0,
    timeoutMs: 1_000,
    retry: defaultRetry,
    compensationRetry: defaultRetry,
    action: async () => undefined,
  };
  const definition = (steps: SagaStep<unknown>[]) => ({ name: "toy", subject: "toy", steps, load: async () => ({}) });

  it("is refused when it could not run: no steps, a step twice, a step that does nothing or has no attempt", () => {
    expect(() => validateDefinition(definition([]))).toThrow('Saga "toy" has no steps');
    expect(() => validateDefinition(definition([step, step]))).toThrow('two steps named "one"');
    expect(() => validateDefinition(definition([{ ...step, action: undefined }]))).toThrow('Step "one" of saga "toy" does nothing');
    expect(() => validateDefinition(definition([{ ...step, retry: { ...defaultRetry, attempts: 0 } }]))).toThrow(
      "needs at least one attempt",
    );
    expect(() => validateDefinition(definition([step]))).not.toThrow();
  });
});

describe("a run's status changes", () => {
  // A transition that records what it is told, in memory: the guard acts before anything is written.
  const recorded: SagaStatus[] = [];
  const transition = {
    setSagaStatus: (status: SagaStatus) => recorded.push(status),
    stopWaiting: () => undefined,
    tx: {},
  } as unknown as Transition;
  const record = (status: SagaStatus, rows: StepRow[] = []) =>
    new RunRecord(
      {} as Database,
      "saga-1",
      "subject-1",
      { status, steps: rows },
      { name: "toy", subject: "toy", steps: [], load: async () => ({}) },
      {},
      {},
    );

  it("records a move that sagaTransitions lists", async () => {
    recorded.length = 0;
    await record("processing").beginMove(transition, { kind: "completed" });
    await record("compensating").beginMove(transition, { kind: "failed" });
    expect(recorded).toEqual(["completed", "failed"]);
  });

  it("refuses one that it does not list, writing nothing", async () => {
    recorded.length = 0;
    const refused: [SagaStatus, Move][] = [
      ["completed", { kind: "failed" }],
      ["failed", { kind: "completed" }],
      ["pending", { kind: "compensating" }],
      ["compensating", { kind: "completed" }],
    ];
    for (const [status, move] of refused) {
      await expect(record(status).beginMove(transition, move)).rejects.toThrow(`cannot move from ${status} to ${move.kind}`);
    }
    expect(recorded).toEqual([]);
  });
});
