import { describe, expect, it } from "vitest";
import { ganttChart, ganttWindow, tickStep } from "./gantt";
import type { SagaOutline } from "./outline";
import type { LogEvent } from "./replay";
import { orderOutline, recorder } from "../../tests/run-log";

const outline: SagaOutline = {
  name: "toy",
  subject: "order",
  steps: ["a", "b", "c"].map((name) => ({ name, compensation: `undo_${name}`, durationMs: 10 })),
};

// Each test writes a log of its own (tests/run-log.ts: ids in order, times from the start).
let log = recorder(outline);
const event = (position: number | null, phase: string, outcome: string, ms: number, error: string | null = null): LogEvent =>
  log.add(ms, position, phase, outcome, error);

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
    expect(chart.rows.map((row) => `${row.kind}:${row.name}`)).toEqual([
      "action:a",
      "action:b",
      "action:c",
      "compensation:undo_b",
      "compensation:undo_a",
    ]);
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

  it("marks a compensation that undoes nothing (no_compensation), and only that one", () => {
    log = recorder(orderOutline);
    const chart = ganttChart(orderOutline, [
      event(null, "saga", "processing", 0),
      event(0, "action", "running", 0),
      event(0, "action", "completed", 100),
      event(1, "action", "running", 100),
      event(1, "action", "completed", 200),
      event(2, "action", "running", 200),
      event(2, "action", "failed", 300, "Insufficient funds"),
      event(1, "compensation", "compensating", 300),
      event(1, "compensation", "compensated", 400),
      event(0, "compensation", "compensating", 400),
      event(0, "compensation", "compensated", 506),
    ]);
    expect(chart.rows.filter((row) => row.kind === "compensation").map((row) => [row.name, row.noop])).toEqual([
      ["release_inventory", false],
      ["no_compensation", true],
    ]);
    expect(chart.rows.filter((row) => row.kind === "action").every((row) => !row.noop)).toBe(true);
  });

  it("picks round tick steps", () => {
    expect(tickStep(1000)).toBe(200);
    expect(tickStep(730)).toBe(200);
    expect(tickStep(2100)).toBe(500);
    expect(tickStep(0)).toBeGreaterThan(0);
  });
});

describe("ganttWindow", () => {
  const start = Date.UTC(2026, 0, 1);
  // A run of 655 ms, finished 80 s before "now".
  function finishedRun() {
    log = recorder(outline);
    return [
      event(null, "saga", "processing", 0),
      event(0, "action", "running", 5),
      event(0, "action", "completed", 110),
      event(1, "action", "running", 111),
      event(1, "action", "completed", 300),
      event(2, "action", "running", 301),
      event(2, "action", "completed", 650),
      event(null, "saga", "completed", 655),
    ];
  }
  const now = start + 80_000;

  it("ends the axis at the run's last event at any event a replay shows, and stops open bars at the event shown", () => {
    const all = finishedRun();
    for (let shown = 1; shown <= all.length; shown++) {
      const axis = ganttWindow(all.slice(0, shown), all, now);
      expect(axis, `at event ${shown}`).toMatchObject({ originMs: start, endMs: start + 655 });
      expect(axis!.shownMs, `at event ${shown}`).toBe(Date.parse(all[shown - 1].created_at));
    }
  });

  it("runs on to now only for a run in flight that is followed live", () => {
    const all = finishedRun().slice(0, 4);
    expect(ganttWindow(all, all, now)).toEqual({ originMs: start, endMs: now, shownMs: now });
    // Replaying it, or with no clock (an imported run): its last event ends the axis.
    expect(ganttWindow(all.slice(0, 2), all, now)).toEqual({ originMs: start, endMs: start + 111, shownMs: start + 5 });
    expect(ganttWindow(all, all, null)).toEqual({ originMs: start, endMs: start + 111, shownMs: start + 111 });
    // A clock that trails the server's timestamps never ends the axis before an event.
    expect(ganttWindow(all, all, start + 50)!.endMs).toBe(start + 111);
  });

  it("has no axis before the first event", () => {
    expect(ganttWindow([], [], now)).toBeNull();
  });
});
