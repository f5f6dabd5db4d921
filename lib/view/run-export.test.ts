import { describe, expect, it } from "vitest";
import { exportRun, importRun, type RunData } from "./run-export";

const run: RunData = {
  order: { id: "o1", user_id: "user_3", product_id: "product_1", quantity: 1, amount: 50 },
  saga: { id: "s1", status: "failed", definition_version: "abc123" },
  outline: {
    name: "order",
    subject: "order",
    steps: [{ name: "reserve_inventory", compensation: "release_inventory", durationMs: 100, service: "Inventory" }],
  },
  effects: { reserve_inventory: [{ account: "product_1", kind: "stock", delta: -1 }] },
  before: { product_1: 100 },
  events: [
    {
      id: 1,
      saga_id: "s1",
      order_id: "o1",
      position: null,
      step: null,
      phase: "saga",
      outcome: "pending",
      error: null,
      detail: null,
      created_at: "2026-11-30T12:00:00.000Z",
    },
    {
      id: 2,
      saga_id: "s1",
      order_id: "o1",
      position: 0,
      step: "reserve_inventory",
      phase: "action",
      outcome: "completed",
      error: null,
      detail: "Reserved 1 units of product_1",
      created_at: "2026-11-30T12:00:00.100Z",
    },
  ],
};

describe("a run as a file", () => {
  it("reads back exactly what it exported", () => {
    const file = JSON.stringify(exportRun(run, new Date("2026-11-30T13:00:00.000Z")));
    expect(importRun(file)).toEqual({ ok: true, run });
  });

  it("refuses what is not an export, saying what is wrong", () => {
    expect(importRun("{not json")).toEqual({ ok: false, problem: "This file is not JSON." });
    const wrong = importRun(JSON.stringify({ ...exportRun(run), format: "other" }));
    expect(wrong.ok).toBe(false);
    expect(!wrong.ok && wrong.problem).toMatch(/^This is not a run exported by Saga Studio \(format: /);
    const badEvent = exportRun(run);
    (badEvent.events[0] as { phase: string }).phase = "<script>";
    expect(importRun(JSON.stringify(badEvent)).ok).toBe(false);
  });
});
