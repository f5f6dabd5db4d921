import { describe, expect, it } from "vitest";
import type { SagaOutline } from "./outline";
import type { LogEvent } from "./replay";
import { why } from "./why";
import { orderOutline, recorder as recordEvents } from "../../tests/run-log";

const outline = orderOutline;

/** A run's event log, each event 50 ms after the last; `sentences` explains every event of it. */
function recorder() {
  const log = recordEvents(outline);
  let ms = 0;
  const add = (position: number | null, phase: string, outcome: string, error: string | null = null) => {
    ms += 50;
    log.add(ms, position, phase, outcome, error);
  };
  const sentences = () => log.events.map((_, index) => why(outline, log.events, index));
  return { events: log.events, add, sentences };
}

/** The saga recorded and started, and the steps before `upTo` run and completed. */
function start(add: ReturnType<typeof recorder>["add"], upTo: number): void {
  add(null, "saga", "pending");
  add(null, "saga", "processing");
  for (let position = 0; position < upTo; position++) {
    add(position, "action", "running");
    add(position, "action", "completed");
  }
}

const startSentences = [
  "The order and its saga were recorded before anything ran, so a crash from here on loses nothing.",
  "The saga starts with its first step, Validate order.",
  "Validate order runs first.",
  "Validate order completed; next comes Reserve inventory.",
  "Reserve inventory runs now that Validate order has completed.",
  "Reserve inventory completed; next comes Process payment.",
  "Process payment runs now that Reserve inventory has completed.",
  "Process payment completed; next comes Ship order.",
];

describe("why", () => {
  it("explains a shipping failure and its compensations, the most recent first", () => {
    const { add, sentences } = recorder();
    start(add, 3);
    add(3, "action", "running");
    add(3, "action", "failed", "Shipping address invalid");
    add(null, "saga", "compensating", "Shipping address invalid");
    for (const position of [2, 1, 0]) {
      add(position, "compensation", "compensating");
      add(position, "compensation", "compensated");
    }
    add(null, "saga", "failed");
    expect(sentences()).toEqual([
      ...startSentences,
      "Ship order runs now that Process payment has completed.",
      "Ship order failed (Shipping address invalid), so the completed steps are undone in reverse order: Refund payment first.",
      "The saga turns back: each completed step is compensated, the most recent first.",
      "Refund payment undoes Process payment.",
      "Refund payment undid Process payment; next: Release inventory.",
      "Release inventory undoes Reserve inventory.",
      "Release inventory undid Reserve inventory; next: Validate order, which changed nothing.",
      "Validate order is compensated too, though it changed nothing.",
      "Validate order changed nothing, so there is nothing to undo.",
      "Every completed step was undone: the order failed and left nothing behind.",
    ]);
  });

  it("explains retries after a passing failure, an attempt cut off by a restart, and the end of a completed run", () => {
    const { add, sentences } = recorder();
    start(add, 2);
    add(2, "action", "running");
    add(2, "action", "retrying", "Payment service timed out");
    add(2, "action", "running");
    add(2, "action", "completed");
    add(3, "action", "running");
    // The process stopped mid-attempt; on restart the step is run again.
    add(3, "action", "running");
    add(3, "action", "completed");
    add(null, "saga", "completed");
    expect(sentences().slice(6)).toEqual([
      "Process payment runs now that Reserve inventory has completed.",
      "Process payment failed for a passing reason (Payment service timed out), so it is tried again after a short wait.",
      "Process payment runs again (attempt 2): the last attempt failed for a passing reason.",
      "Process payment completed; next comes Ship order.",
      "Ship order runs now that Process payment has completed.",
      "Ship order runs again (attempt 2): the last attempt was cut off before it recorded an outcome, and the step is safe to repeat.",
      "Ship order completed: that was the last step.",
      "Every step completed: the order is done.",
    ]);
  });

  it("explains a refund that gave up, the stuck saga, and an operator's retry that finishes the compensation", () => {
    const { add, sentences } = recorder();
    start(add, 3);
    add(3, "action", "running");
    add(3, "action", "failed", "Shipping address invalid");
    add(null, "saga", "compensating", "Shipping address invalid");
    add(2, "compensation", "compensating");
    add(2, "compensation", "retrying", "Payment service unavailable");
    add(2, "compensation", "compensating");
    add(2, "compensation", "retrying", "Payment service unavailable");
    add(2, "compensation", "compensating");
    const error = "refund_payment failed: Payment service unavailable (gave up after 3 attempts)";
    add(2, "compensation", "compensation_failed", error);
    add(null, "saga", "compensation_failed", error);
    add(null, "saga", "compensating", "Shipping address invalid");
    add(2, "compensation", "compensating");
    add(2, "compensation", "compensated");
    expect(sentences().slice(10)).toEqual([
      "The saga turns back: each completed step is compensated, the most recent first.",
      "Refund payment undoes Process payment.",
      "Refund payment failed for a passing reason (Payment service unavailable), so it is tried again after a short wait.",
      "Refund payment runs again (attempt 2): the last attempt failed for a passing reason.",
      "Refund payment failed for a passing reason (Payment service unavailable), so it is tried again after a short wait.",
      "Refund payment runs again (attempt 3): the last attempt failed for a passing reason.",
      "Refund payment gave up after 3 attempts (Payment service unavailable): the saga stops here and needs an operator, who can retry it.",
      "The saga is stuck: Refund payment could not undo Process payment, and nothing more happens until an operator retries it.",
      "An operator retried the saga: it goes back to compensating, starting again with Refund payment.",
      "Refund payment runs again (attempt 4): an operator retried the saga.",
      "Refund payment undid Process payment; next: Release inventory.",
    ]);
  });

  it("says nothing needs undoing when the first step fails", () => {
    const { add, sentences } = recorder();
    add(null, "saga", "pending");
    add(null, "saga", "processing");
    add(0, "action", "running");
    add(0, "action", "failed", "Invalid quantity");
    add(null, "saga", "compensating", "Invalid quantity");
    add(null, "saga", "failed");
    expect(sentences().slice(3)).toEqual([
      "Validate order failed (Invalid quantity); no step had completed, so nothing needs undoing.",
      "The saga turns back, but no step had completed, so there is nothing to undo.",
      "No step had completed, so the order failed and left nothing behind.",
    ]);
  });

  it("says so when the only completed step changed nothing", () => {
    const { add, sentences } = recorder();
    start(add, 1);
    add(1, "action", "running");
    add(1, "action", "failed", "Insufficient inventory");
    add(null, "saga", "compensating", "Insufficient inventory");
    add(0, "compensation", "compensating");
    add(0, "compensation", "compensated");
    add(null, "saga", "failed");
    expect(sentences().slice(5)).toEqual([
      "Reserve inventory failed (Insufficient inventory); Validate order, the only step that had completed, changed nothing, so nothing needs undoing.",
      "The saga turns back: each completed step is compensated, the most recent first.",
      "Validate order is compensated too, though it changed nothing.",
      "Validate order changed nothing, so there is nothing to undo.",
      "Every completed step was undone: the order failed and left nothing behind.",
    ]);
  });

  it("names how often a step was tried when it gave up, and the last compensation as the last", () => {
    const { add, sentences } = recorder();
    start(add, 2);
    add(2, "action", "running");
    add(2, "action", "failed", "Payment service timed out (gave up after 3 attempts)");
    add(null, "saga", "compensating");
    add(1, "compensation", "compensating");
    // A compensation cut off by a restart runs again.
    add(1, "compensation", "compensating");
    add(1, "compensation", "compensated");
    expect(sentences().slice(7)).toEqual([
      "Process payment failed after 3 attempts (Payment service timed out), so the completed steps are undone in reverse order: Release inventory first.",
      "The saga turns back: each completed step is compensated, the most recent first.",
      "Release inventory undoes Reserve inventory.",
      "Release inventory runs again (attempt 2): the last attempt was cut off before it recorded an outcome, and it is safe to repeat.",
      "Release inventory undid Reserve inventory; next: Validate order, which changed nothing.",
    ]);

    const short: SagaOutline = { ...outline, steps: outline.steps.slice(1, 3) };
    const events: LogEvent[] = [
      { id: 1, saga_id: "s", order_id: "o", position: 1, step: "process_payment", phase: "action", outcome: "failed", error: "Insufficient funds", created_at: "" },
    ];
    const undone = [
      ...events,
      { ...events[0], id: 2, position: 0, step: "reserve_inventory", phase: "compensation", outcome: "compensated", error: null },
    ];
    expect(why(short, undone, 1)).toBe("Release inventory undid Reserve inventory; nothing else is left to undo.");
  });

  it("explains an event delivered twice as it was the first time, and nothing past the end", () => {
    const { events, add } = recorder();
    start(add, 1);
    const repeated = [...events, events[3]];
    expect(why(outline, repeated, repeated.length - 1)).toBe("Validate order completed; next comes Reserve inventory.");
    expect(why(outline, events, events.length)).toBe("");
    expect(why(outline, events, -1)).toBe("");
  });
});
