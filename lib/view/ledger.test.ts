import { describe, expect, it } from "vitest";
import { formatDelta, ledgerEntries, ledgerLines, serviceLedgerEntries, valuesAt, type ServiceRecord, type StepEffects } from "./ledger";
import type { LogEvent } from "./replay";
import { orderOutline, recorder } from "../../tests/run-log";

const outline = orderOutline;

// An order of 2 units of product_1 for $100.00 by user_1.
const effects: StepEffects = {
  reserve_inventory: [{ account: "product_1", kind: "stock", delta: -2 }],
  process_payment: [{ account: "user_1", kind: "money", delta: -10_000 }],
};

/** Every step completes up to (not including) `upTo`; the returned time is when the last one finished. */
function forward(add: ReturnType<typeof recorder>["add"], upTo: number): number {
  add(0, null, "saga", "pending");
  add(0, null, "saga", "processing");
  let ms = 0;
  for (let position = 0; position < upTo; position++) {
    add(ms, position, "action", "running");
    ms += 100;
    add(ms, position, "action", "completed");
  }
  return ms;
}

function shippingFailure() {
  const { events, add } = recorder();
  let ms = forward(add, 3);
  add(ms, 3, "action", "running");
  ms += 200;
  add(ms, 3, "action", "failed", "Shipping address invalid");
  add(ms, null, "saga", "compensating", "Shipping address invalid");
  for (const position of [2, 1, 0]) {
    add(ms, position, "compensation", "compensating");
    ms += 100;
    add(ms, position, "compensation", "compensated");
  }
  add(ms, null, "saga", "failed");
  return events;
}

function stuckRefund() {
  const { events, add } = recorder();
  let ms = forward(add, 3);
  add(ms, 3, "action", "running");
  ms += 200;
  add(ms, 3, "action", "failed", "Shipping address invalid");
  add(ms, null, "saga", "compensating", "Shipping address invalid");
  for (let attempt = 1; attempt <= 3; attempt++) {
    add(ms, 2, "compensation", "compensating");
    ms += 100;
    if (attempt < 3) add(ms, 2, "compensation", "retrying", "Payment service unavailable");
  }
  const error = "refund_payment failed: Payment service unavailable (gave up after 3 attempts)";
  add(ms, 2, "compensation", "compensation_failed", error);
  add(ms, null, "saga", "compensation_failed", error);
  return events;
}

function happy() {
  const { events, add } = recorder();
  const ms = forward(add, 4);
  add(ms, null, "saga", "completed");
  return events;
}

const totals = (events: readonly LogEvent[]) =>
  ledgerLines(ledgerEntries(effects, events, outline)).map((line) => [line.kind, line.account, line.total]);

describe("serviceLedgerEntries", () => {
  // The order saga's steps as they call their services.
  const remote = {
    ...outline,
    steps: outline.steps.map((step) => {
      const service = { reserve_inventory: "inventory", process_payment: "payment", ship_order: "shipping" }[step.name];
      return service
        ? { ...step, endpoint: { action: `POST /services/${service}/do`, compensation: `POST /services/${service}/undo` } }
        : step;
    }),
  };
  const stock = (delta: number) => ({ account: "product_1", unit: "stock" as const, delta, undoes: delta > 0 });
  const money = (delta: number) => ({ account: "user_1", unit: "money" as const, delta, undoes: delta > 0 });

  it("shows the charge of a step that failed in doubt, at its failure, and its refund: what the services did, not what the log heard", () => {
    const { events, add } = recorder(remote);
    let ms = forward(add, 2);
    add(ms, 2, "action", "running");
    add((ms += 100), 2, "action", "failed", "The payment service's answer was lost (gave up after 6 attempts)");
    add(ms, null, "saga", "compensating");
    for (const position of [2, 1, 0]) {
      add(ms, position, "compensation", "compensating");
      add((ms += 100), position, "compensation", "compensated");
    }
    add(ms, null, "saga", "failed");
    const records: ServiceRecord[] = [
      { service: "inventory", movements: [stock(-2), stock(2)] },
      { service: "payment", movements: [money(-10_000), money(10_000)] },
      { service: "shipping", movements: [] },
    ];
    const entries = serviceLedgerEntries(records, events, remote);
    expect(entries.map((entry) => [entry.eventId, entry.name, entry.delta])).toEqual([
      [events.find((e) => e.position === 1 && e.outcome === "completed")!.id, "reserve_inventory", -2],
      [events.find((e) => e.position === 2 && e.outcome === "failed")!.id, "process_payment", -10_000],
      [events.find((e) => e.position === 2 && e.outcome === "compensated")!.id, "refund_payment", 10_000],
      [events.find((e) => e.position === 1 && e.outcome === "compensated")!.id, "release_inventory", 2],
    ]);
    expect(ledgerLines(entries).map((line) => [line.account, line.total])).toEqual([
      ["product_1", 0],
      ["user_1", 0],
    ]);
    // Replayed up to the payment's failure: the charge had happened, its refund not yet.
    const upToFailure = events.slice(0, events.findIndex((e) => e.position === 2 && e.outcome === "failed") + 1);
    expect(serviceLedgerEntries(records, upToFailure, remote).map((entry) => entry.name)).toEqual(["reserve_inventory", "process_payment"]);
  });

  it("leaves out what a service holds of a step the log has not recorded yet", () => {
    const { events, add } = recorder(remote);
    forward(add, 2);
    add(300, 2, "action", "running");
    const records: ServiceRecord[] = [
      { service: "inventory", movements: [stock(-2)] },
      { service: "payment", movements: [money(-10_000)] },
    ];
    expect(serviceLedgerEntries(records, events, remote).map((entry) => entry.name)).toEqual(["reserve_inventory"]);
  });
});

describe("ledgerEntries", () => {
  it("leaves out the undoing of a step that failed in doubt, with its action: the run nets to zero either way", () => {
    const { events, add } = recorder();
    let ms = forward(add, 2);
    add(ms, 2, "action", "running");
    add((ms += 100), 2, "action", "failed", "No answer (gave up after 6 attempts)");
    add(ms, null, "saga", "compensating");
    for (const position of [2, 1, 0]) {
      add(ms, position, "compensation", "compensating");
      add((ms += 100), position, "compensation", "compensated");
    }
    add(ms, null, "saga", "failed");
    const lines = ledgerLines(ledgerEntries(effects, events, outline));
    expect(lines.map(({ account, entries, total }) => [account, entries.map((entry) => entry.name), total])).toEqual([
      ["product_1", ["reserve_inventory", "release_inventory"], 0],
    ]);
  });

  it("records each completed action's movement and each compensation's opposite, by event", () => {
    const events = shippingFailure();
    const entries = ledgerEntries(effects, events, outline);
    expect(entries.map((entry) => [entry.phase, entry.name, entry.account, entry.delta])).toEqual([
      ["action", "reserve_inventory", "product_1", -2],
      ["action", "process_payment", "user_1", -10_000],
      ["compensation", "refund_payment", "user_1", 10_000],
      ["compensation", "release_inventory", "product_1", 2],
    ]);
    const refund = events.find((event) => event.phase === "compensation" && event.position === 2 && event.outcome === "compensated")!;
    expect(entries[2]).toEqual({
      eventId: refund.id,
      at: refund.created_at,
      step: "process_payment",
      phase: "compensation",
      name: "refund_payment",
      account: "user_1",
      kind: "money",
      delta: 10_000,
    });
  });

  it("counts an event delivered twice once", () => {
    const events = happy();
    expect(ledgerEntries(effects, [...events, events[3], events[5]], outline)).toHaveLength(2);
  });

  it("ignores events of positions the outline does not have", () => {
    const events = happy();
    const stray: LogEvent = { ...events[events.length - 1], id: 99, position: 7, step: "gift_wrap", phase: "action", outcome: "completed" };
    expect(ledgerEntries(effects, [...events, stray], outline)).toHaveLength(2);
  });
});

describe("ledgerLines", () => {
  it("nets every line to zero when a shipping failure compensated everything", () => {
    expect(totals(shippingFailure())).toEqual([
      ["stock", "product_1", 0],
      ["money", "user_1", 0],
    ]);
  });

  it("leaves the charge and the reservation in place when the refund gave up (the release never ran)", () => {
    expect(totals(stuckRefund())).toEqual([
      ["stock", "product_1", -2],
      ["money", "user_1", -10_000],
    ]);
  });

  it("totals what a completed order cost", () => {
    expect(totals(happy())).toEqual([
      ["stock", "product_1", -2],
      ["money", "user_1", -10_000],
    ]);
  });

  it("puts stock lines first, then money, each in the order its accounts first moved", () => {
    const many: StepEffects = {
      reserve_inventory: [
        { account: "user_1", kind: "money", delta: -50 },
        { account: "product_2", kind: "stock", delta: -1 },
        { account: "product_1", kind: "stock", delta: -3 },
      ],
      process_payment: [
        { account: "shop", kind: "money", delta: 50 },
        { account: "product_2", kind: "stock", delta: -4 },
      ],
    };
    const lines = ledgerLines(ledgerEntries(many, happy(), outline));
    expect(lines.map((line) => [line.kind, line.account, line.total, line.entries.length])).toEqual([
      ["stock", "product_2", -5, 2],
      ["stock", "product_1", -3, 1],
      ["money", "user_1", -50, 1],
      ["money", "shop", 50, 1],
    ]);
  });
});

describe("valuesAt", () => {
  it("shows the money back once the refund is recorded, while the stock is still reserved", () => {
    const events = shippingFailure();
    const entries = ledgerEntries(effects, events, outline);
    const before = { product_1: 10, user_1: 100_000 };
    const refunded = events.find((event) => event.phase === "compensation" && event.position === 2 && event.outcome === "compensated")!;
    expect(valuesAt(before, entries, refunded.id)).toEqual({ product_1: 8, user_1: 100_000 });
    expect(valuesAt(before, entries, refunded.id - 1)).toEqual({ product_1: 8, user_1: 90_000 });
    expect(valuesAt(before, entries, 0)).toEqual(before);
    expect(valuesAt(before, entries, events[events.length - 1].id)).toEqual(before);
  });

  it("keeps to the accounts it was given", () => {
    const entries = ledgerEntries(effects, happy(), outline);
    const before = { user_1: 100_000 };
    expect(valuesAt(before, entries, 1_000)).toEqual({ user_1: 90_000 });
    expect(before).toEqual({ user_1: 100_000 });
  });
});

describe("formatDelta", () => {
  it("signs units and dollars", () => {
    expect(formatDelta("stock", -2)).toBe("-2");
    expect(formatDelta("stock", 2)).toBe("+2");
    expect(formatDelta("stock", 12_000)).toBe("+12,000");
    expect(formatDelta("money", -5_000)).toBe("-$50.00");
    expect(formatDelta("money", 5_000)).toBe("+$50.00");
    expect(formatDelta("money", -100_000)).toBe("-$1,000.00");
    expect(formatDelta("money", 123_456_789)).toBe("+$1,234,567.89");
    expect(formatDelta("money", -5)).toBe("-$0.05");
  });

  it("writes a net of nothing without a sign", () => {
    expect(formatDelta("stock", 0)).toBe("0");
    expect(formatDelta("money", 0)).toBe("$0.00");
    expect(formatDelta("money", -0)).toBe("$0.00");
  });
});
