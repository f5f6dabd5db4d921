import { describe, expect, it } from "vitest";
import { outline } from "./outline";
import { pauseLine, pauseTarget, timeLeft } from "./pause";
import { orderSaga } from "../orders/order-saga";

const order = outline(orderSaga);
const since = "2025-01-01T12:00:00.000Z";
const pause = (before: string, phase: "action" | "compensation" | "saga") => ({
  before,
  phase,
  since,
  resumes_at: "2025-01-01T12:05:00.000Z",
});

describe("a step-by-step pause in words", () => {
  it("names what comes next: a step, a compensation and what it undoes, or the saga's end", () => {
    expect(pauseTarget(order, pause("reserve_inventory", "action"))).toBe("Reserve inventory");
    expect(pauseTarget(order, pause("process_payment", "compensation"))).toBe("Refund payment");
    expect(pauseTarget(order, pause("process_payment", "compensation"), { detailed: true })).toBe(
      "Refund payment (undoing process payment)",
    );
    expect(pauseTarget(order, pause("validate_order", "compensation"))).toBe("undoing Validate order (nothing to undo)");
    expect(pauseTarget(order, pause("failed", "saga"))).toBe("marking the saga failed");
  });

  it("counts down to when the saga goes on by itself", () => {
    const start = Date.parse(since);
    expect(pauseLine(order, pause("reserve_inventory", "action"), start + 500)).toBe(
      "Waiting before Reserve inventory · resumes by itself in 5:00",
    );
    expect(pauseLine(order, pause("reserve_inventory", "action"), start + 1_000)).toBe(
      "Waiting before Reserve inventory · resumes by itself in 4:59",
    );
    expect(timeLeft("2025-01-01T12:05:00.000Z", start + 299_001)).toBe("0:01");
    expect(pauseLine(order, pause("ship_order", "action"), start + 300_000)).toBe("Waiting before Ship order · resuming");
    // Before the browser knows the time (the server's render): no countdown.
    expect(pauseLine(order, pause("ship_order", "action"), null)).toBe("Waiting before Ship order");
  });
});
