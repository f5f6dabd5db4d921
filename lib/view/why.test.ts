import { describe, expect, it } from "vitest";
import type { SagaOutline } from "./outline";
import type { LogEvent } from "./replay";
import { replay } from "./replay";
import { rollbackLine, runHeadline, why } from "./why";
import { sagaRunDiagram } from "./run-diagram";
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
      "The saga turns back, but Validate order, the only step that had completed, changed nothing, so there is nothing to undo.",
      "Validate order is compensated too, though it changed nothing.",
      "Validate order changed nothing, so there is nothing to undo.",
      "Nothing needed undoing, since the steps that had completed changed nothing: the order failed and left nothing behind.",
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
      {
        id: 1,
        saga_id: "s",
        order_id: "o",
        position: 1,
        step: "process_payment",
        phase: "action",
        outcome: "failed",
        error: "Insufficient funds",
        created_at: "",
      },
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

describe("runHeadline", () => {
  const headline = (build: (add: ReturnType<typeof recorder>["add"]) => void) => {
    const { events, add } = recorder();
    build(add);
    return runHeadline(outline, events);
  };
  const failAt = (add: ReturnType<typeof recorder>["add"], position: number, error: string) => {
    start(add, position);
    add(position, "action", "running");
    add(position, "action", "failed", error);
    add(null, "saga", "compensating", error);
    for (let undo = position - 1; undo >= 0; undo--) {
      add(undo, "compensation", "compensating");
      add(undo, "compensation", "compensated");
    }
    add(null, "saga", "failed", error);
  };

  it("sums up a shipping failure: where, why, what was undone and what had nothing to undo, and how long", () => {
    expect(headline((add) => failAt(add, 3, "Shipping address invalid"))).toBe(
      "Failed in 850 ms at Ship order (Shipping address invalid): Refund payment and Release inventory undid the earlier steps, most recent first; Validate order had nothing to undo.",
    );
  });

  it("sums up a step in doubt: where it gave up, and that its own compensation ran first", () => {
    const { events, add, sentences } = recorder();
    const lost = "The payment service's answer to POST /charges was lost (gave up after 6 attempts)";
    start(add, 2);
    add(2, "action", "running");
    add(2, "action", "failed", lost);
    add(null, "saga", "compensating", lost);
    for (const position of [2, 1, 0]) {
      add(position, "compensation", "compensating");
      // The refund's own first try meets the breaker the lost answers opened.
      if (position === 2) add(position, "compensation", "retrying", "The payment service's circuit breaker is open");
      add(position, "compensation", "compensated");
    }
    add(null, "saga", "failed", lost);
    expect(sentences()[7]).toBe(
      "Process payment failed after 6 attempts (The payment service's answer to POST /charges was lost), and one of its requests may " +
        "have reached its service: Refund payment is sent first, to be sure, then the completed steps are undone in reverse order, " +
        "Release inventory next.",
    );
    expect(sentences()[8]).toBe(
      "The saga turns back: Process payment, which may have taken effect, is compensated first, then each completed step, the most recent first.",
    );
    expect(sentences()[9]).toBe(
      "Process payment gave up without an answer it could trust, so its service may have done it all the same: " +
        "Refund payment is sent to be sure (a service that never had it answers that there is nothing to undo, and refuses it if it comes late).",
    );
    expect(runHeadline(outline, events)).toBe(
      "Failed in 800 ms at Process payment after 6 attempts (The payment service's answer to POST /charges was lost): " +
        "Refund payment and Release inventory undid it, in case it had taken effect, and the earlier steps, most recent first; " +
        "Validate order had nothing to undo.",
    );
    // The run diagram draws the compensation from the step that failed, through its own undoing.
    const diagram = sagaRunDiagram(outline, replay(outline, events));
    expect(diagram).toContain(`step2 -.->|"compensate"| undo2`);
    expect(diagram).toContain("undo2 -.-> undo1");
    // Its node says it failed in doubt and why, not how its undoing went.
    expect(diagram).toMatch(
      /^step2\["3\. process_payment<br\/>failed in doubt, compensated<br\/>.*was lost \(gave up after 6 attempts\)"\]$/m,
    );
  });

  it("says nothing was undone when the only completed step changed nothing", () => {
    expect(headline((add) => failAt(add, 1, "Insufficient inventory"))).toBe(
      "Failed in 450 ms at Reserve inventory (Insufficient inventory): nothing was undone, since Validate order had changed nothing.",
    );
    expect(headline((add) => failAt(add, 0, "Invalid quantity"))).toBe(
      "Failed in 250 ms at Validate order (Invalid quantity): no step had completed, so nothing was undone.",
    );
  });

  it("sums up a completed run, a run in flight and a stuck one", () => {
    expect(
      headline((add) => {
        start(add, 4);
        add(null, "saga", "completed");
      }),
    ).toBe("Completed in 500 ms: all 4 steps succeeded.");
    expect(
      headline((add) => {
        start(add, 1);
        add(1, "action", "running");
      }),
    ).toBe("Running Reserve inventory, step 2 of 4.");
    expect(headline((add) => add(null, "saga", "pending"))).toBe("Recorded, and waiting to start its first step.");
    expect(
      headline((add) => {
        start(add, 3);
        add(3, "action", "running");
        add(3, "action", "failed", "Shipping address invalid");
        add(null, "saga", "compensating");
        add(2, "compensation", "compensating");
        const error = "refund_payment failed: Payment service unavailable (gave up after 3 attempts)";
        add(2, "compensation", "compensation_failed", error);
        add(null, "saga", "compensation_failed", error);
      }),
    ).toBe(
      "Stuck after 650 ms: Ship order (Shipping address invalid) failed, then Refund payment gave up after 3 attempts (Payment service unavailable); it waits for an operator to retry it.",
    );
    expect(runHeadline(outline, [])).toBe("");
  });
});

describe("rollbackLine", () => {
  const stateOf = (build: (add: ReturnType<typeof recorder>["add"]) => void) => {
    const { events, add } = recorder();
    build(add);
    return replay(outline, events);
  };

  it("names what was undone, in the order it was, and never a step that changed nothing", () => {
    const shipping = stateOf((add) => {
      start(add, 3);
      add(3, "action", "running");
      add(3, "action", "failed", "Shipping address invalid");
      add(null, "saga", "compensating");
      for (const position of [2, 1, 0]) {
        add(position, "compensation", "compensating");
        add(position, "compensation", "compensated");
      }
      add(null, "saga", "failed");
    });
    expect(rollbackLine(shipping)).toBe("Undone, in reverse order: Refund payment, then Release inventory");
  });

  it("says nothing was undone when the completed steps changed nothing, and when no step had completed", () => {
    const inventory = (upTo: number) =>
      stateOf((add) => {
        start(add, 1);
        add(1, "action", "running");
        add(1, "action", "failed", "Insufficient inventory");
        add(null, "saga", "compensating");
        if (upTo > 0) add(0, "compensation", "compensating");
        if (upTo > 1) add(0, "compensation", "compensated");
        if (upTo > 2) add(null, "saga", "failed");
      });
    expect(rollbackLine(inventory(1))).toBe("Turning back: nothing to undo");
    expect(rollbackLine(inventory(3))).toBe("Nothing was undone: Validate order had changed nothing");
    const first = stateOf((add) => {
      add(null, "saga", "processing");
      add(0, "action", "running");
      add(0, "action", "failed", "Invalid quantity");
      add(null, "saga", "failed");
    });
    expect(rollbackLine(first)).toBe("No step had completed: nothing to undo");
    expect(rollbackLine(stateOf((add) => start(add, 2)))).toBeNull();
  });
});
