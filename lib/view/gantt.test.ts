import { describe, expect, it } from "vitest";
import { ganttChart, tickStep } from "./gantt";
import type { SagaOutline } from "./outline";
import type { LogEvent } from "./replay";
import { recorder } from "../../tests/run-log";

const outline: SagaOutline = {
  name: "toy",
  subject: "order",
  steps: ["a", "b", "c"].map((name) => ({ name, compensation: `undo_${name}`, durationMs: 10 })),
};

// Each test writes a log of its own (tests/run-log.ts: ids in order, times from the start).
let log = recorder(outline);
const event = (position: number | null, phase: string, outcome: string, ms: number, error: string | null = null): LogEvent => log.add(ms, position, phase, outcome, error);

describe("ganttChart", () => {
  it("draws a bar per attempt and a row per compensation, in the order they ran", () => {
    log = recorder(outline);
    const events = [
      event(null, "saga", "processing", 0),
      event(0, "action", "running", 1),
      event(0, "action", "completed", 11),
      event(1, "action", "running", 12),
      // a restart: the first attempt never recorded an outcome
      event(1, "action", "running", 40),
      event(1, "action", "completed", 50),
      event(2, "action", "running", 51),
      event(2, "action", "failed", 61, "refused"),
      event(null, "saga", "compensating", 61, "refused"),
      event(1, "compensation", "compensating", 62),
      event(1, "compensation", "compensated", 72),
      event(0, "compensation", "compensating", 73),
      event(0, "compensation", "compensated", 83),
      event(null, "saga", "failed", 84),
    ];
    const chart = ganttChart(outline, [...events, events[3]]);
    expect(chart.originMs).toBe(Date.UTC(2026, 0, 1));
    expect(chart.endMs).toBe(Date.UTC(2026, 0, 1) + 84);
    expect(chart.rows.map((row) => `${row.kind}:${row.name}`)).toEqual(["action:a", "action:b", "action:c", "compensation:undo_b", "compensation:undo_a"]);
    const [a, b, c, undoB] = chart.rows;
    expect(a.bars).toHaveLength(1);
    expect(b.bars.map((bar) => [bar.attempt, bar.status, bar.endMs! - bar.startMs])).toEqual([
      [1, "interrupted", 28],
      [2, "completed", 10],
    ]);
    expect(c.bars[0]).toMatchObject({ status: "failed", error: "refused" });
    expect(undoB.bars[0]).toMatchObject({ status: "compensated", attempt: 1 });
  });

  it("leaves the bar of a running step open while the saga is in flight", () => {
    log = recorder(outline);
    const chart = ganttChart(outline, [event(null, "saga", "processing", 0), event(0, "action", "running", 1)]);
    expect(chart.endMs).toBeNull();
    expect(chart.rows[0].bars).toEqual([expect.objectContaining({ status: "running", endMs: null })]);
    expect(chart.rows[1].bars).toEqual([]);
  });

  it("picks round tick steps", () => {
    expect(tickStep(1000)).toBe(200);
    expect(tickStep(730)).toBe(200);
    expect(tickStep(2100)).toBe(500);
    expect(tickStep(0)).toBeGreaterThan(0);
  });
});
