import { describe, expect, it } from "vitest";
import type { SagaOutline } from "./outline";
import { sagaSequenceDiagram, type SequenceOptions } from "./sequence";
import { orderOutline, recorder } from "../../tests/run-log";

const outline = orderOutline;

const options: SequenceOptions = {
  services: { validate_order: "Orders", reserve_inventory: "Inventory", process_payment: "Payments", ship_order: "Shipping" },
  order: { user_id: "user_1", product_id: "product_1", quantity: 2, amount: 100 },
};

/** The saga recorded, then validate, reserve and pay, 100 ms each; resolves with the time it got to. */
function upToShipping(add: ReturnType<typeof recorder>["add"]): number {
  add(0, null, "saga", "pending");
  add(0, null, "saga", "processing");
  add(0, 0, "action", "running");
  add(100, 0, "action", "completed", null, "Validated order order-1");
  add(100, 1, "action", "running");
  add(200, 1, "action", "completed", null, "Reserved 2 units of product_1");
  add(200, 2, "action", "running");
  add(300, 2, "action", "completed", null, "Processed payment of $100.0 for user_1");
  add(300, 3, "action", "running");
  return 500;
}

function shippingFailure(error = "Shipping address invalid") {
  const { events, add } = recorder();
  const ms = upToShipping(add);
  add(ms, 3, "action", "failed", error);
  add(ms, null, "saga", "compensating", error);
  add(ms, 2, "compensation", "compensating");
  add(ms + 100, 2, "compensation", "compensated", null, "Refunded payment of $100.0 to user_1");
  add(ms + 100, 1, "compensation", "compensating");
  add(ms + 200, 1, "compensation", "compensated");
  add(ms + 200, 0, "compensation", "compensating");
  add(ms + 300, 0, "compensation", "compensated", null, "No compensation needed for validate_order");
  add(ms + 300, null, "saga", "failed");
  return events;
}

/** A line with Mermaid's numbered entities (#58; for ":") turned back into their characters. */
const decoded = (line: string) => line.replace(/#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)));

describe("sagaSequenceDiagram", () => {
  it("draws a shipping failure: the calls, the failure, the compensations in reverse and the answer", () => {
    expect(sagaSequenceDiagram(outline, shippingFailure(), options).split("\n")).toEqual([
      "sequenceDiagram",
      "autonumber",
      "participant P0 as Client",
      "participant P1 as API",
      "participant P2 as Orchestrator",
      "participant P3 as Orders",
      "participant P4 as Inventory",
      "participant P5 as Payments",
      "participant P6 as Shipping",
      "Note over P0,P1: user_1: 2 x product_1, #36;100",
      "P0->>P1: +0 ms: POST /orders",
      "P1->>P2: +0 ms: record order and saga",
      "Note over P2: +0 ms: processing: the steps run in order",
      "P2->>P3: +0 ms: validate_order",
      "P3-->>P2: +100 ms: done: Validated order order-1",
      "P2->>P4: +100 ms: reserve_inventory",
      "P4-->>P2: +200 ms: done: Reserved 2 units of product_1",
      "P2->>P5: +200 ms: process_payment",
      "P5-->>P2: +300 ms: done: Processed payment of #36;100.0 for user_1",
      "P2->>P6: +300 ms: ship_order",
      "P6--xP2: +500 ms: failed: Shipping address invalid",
      "Note over P2: +500 ms: compensate in reverse order",
      "P2->>P5: +500 ms: refund_payment",
      "P5-->>P2: +600 ms: undone: Refunded payment of #36;100.0 to user_1",
      "P2->>P4: +600 ms: release_inventory",
      "P4-->>P2: +700 ms: undone",
      "rect rgb(241, 245, 249)",
      "Note over P3: validate_order: nothing to undo",
      "end",
      "P2-->>P1: +800 ms: failed",
      "P1-->>P0: +800 ms: 201 failed",
    ]);
  });

  it("runs the compensations in reverse order, refund then release, and draws validate's no_compensation as no call and no time", () => {
    const lines = sagaSequenceDiagram(outline, shippingFailure(), options).split("\n");
    const calls = lines.filter((line) => line.startsWith("P2->>")).map((line) => line.split(": ").slice(2).join(": "));
    expect(calls.slice(-2)).toEqual(["refund_payment", "release_inventory"]);
    expect(lines.filter((line) => line.includes("no_compensation"))).toEqual([]);
    // Nothing to undo: a note in a grey band, after the last real compensation, with no time on it.
    const noop = lines.indexOf("Note over P3: validate_order: nothing to undo");
    expect(noop).toBeGreaterThan(lines.indexOf("P4-->>P2: +700 ms: undone"));
    expect(lines.slice(noop - 1, noop + 2)).toEqual(["rect rgb(241, 245, 249)", "Note over P3: validate_order: nothing to undo", "end"]);
  });

  it("puts the order over the client and the API, never in a margin left of the client", () => {
    const lines = sagaSequenceDiagram(outline, shippingFailure(), options).split("\n");
    expect(lines.filter((line) => line.startsWith("Note left of") || line.startsWith("Note right of"))).toEqual([]);
    expect(lines[lines.indexOf("P0->>P1: +0 ms: POST /orders") - 1]).toBe("Note over P0,P1: user_1: 2 x product_1, #36;100");
  });

  it("names participants after the steps unless told, and gives steps with one label one participant", () => {
    const { events, add } = recorder();
    add(0, null, "saga", "pending");
    const plain = sagaSequenceDiagram(outline, events).split("\n");
    expect(plain.filter((line) => line.startsWith("participant"))).toEqual([
      "participant P0 as Client",
      "participant P1 as API",
      "participant P2 as Orchestrator",
      "participant P3 as Validate order",
      "participant P4 as Reserve inventory",
      "participant P5 as Process payment",
      "participant P6 as Ship order",
    ]);
    expect(plain).toContain("P0->>P1: +0 ms: POST /orders");

    const shared = sagaSequenceDiagram(outline, shippingFailure(), {
      services: { validate_order: "Store", reserve_inventory: "Store" },
    }).split("\n");
    expect(shared.filter((line) => line.startsWith("participant")).slice(3)).toEqual([
      "participant P3 as Store",
      "participant P4 as Process payment",
      "participant P5 as Ship order",
    ]);
    expect(shared).toContain("P2->>P3: +100 ms: reserve_inventory");
    expect(shared).toContain("P3-->>P2: +700 ms: undone");
  });

  it("shows a passing failure, the wait and the next attempt", () => {
    const { events, add } = recorder();
    add(0, null, "saga", "pending");
    add(0, null, "saga", "processing");
    add(0, 0, "action", "running");
    add(100, 0, "action", "completed");
    add(100, 1, "action", "running");
    add(200, 1, "action", "completed");
    add(200, 2, "action", "running");
    add(1_200, 2, "action", "retrying", "Payment service timed out");
    add(1_300, 2, "action", "running");
    add(1_400, 2, "action", "completed");
    expect(sagaSequenceDiagram(outline, events, options).split("\n").slice(-5)).toEqual([
      "P2->>P5: +200 ms: process_payment",
      "P5--xP2: +1.2 s: Payment service timed out",
      "Note over P2: +1.2 s: retry after backoff",
      "P2->>P5: +1.3 s: process_payment (attempt 2)",
      "P5-->>P2: +1.4 s: done",
    ]);
  });

  it("draws each HTTP request with the step's key, the service's status, a lost answer as lost, and the replay that follows", () => {
    // The order saga's outline, as the server gives it: its service steps name their requests.
    const remote: SagaOutline = {
      ...outline,
      steps: outline.steps.map((step, position) =>
        position === 0
          ? step
          : {
              ...step,
              remote: true as const,
              endpoint: { action: `POST /services/s${position}/do`, compensation: `POST /services/s${position}/undo` },
            },
      ),
    };
    const { events, add } = recorder(remote);
    const call = (status: number, replayed = false) => ({ status, replayed });
    add(0, null, "saga", "pending");
    add(0, null, "saga", "processing");
    add(0, 0, "action", "running");
    add(100, 0, "action", "completed", null, "Validated order order-1");
    add(100, 1, "action", "running");
    add(200, 1, "action", "completed", null, "Reserved 2 units of product_1").call = call(201);
    add(200, 2, "action", "running");
    add(300, 2, "action", "retrying", "The payment service's answer to POST /charges was lost on its way back (the connection dropped)");
    add(400, 2, "action", "running");
    add(500, 2, "action", "completed", null, "Processed payment of $100.0 for user_1").call = call(201, true);
    add(500, 3, "action", "running");
    add(600, 3, "action", "failed", "Invalid shipping address").call = call(409);
    add(600, null, "saga", "compensating");
    add(600, 2, "compensation", "compensating");
    add(700, 2, "compensation", "compensated", null, "Refunded payment of $100.0 to user_1").call = call(200);
    // (Mermaid's entities decoded: a key's colons and the ellipsis are escaped in the source.)
    const lines = sagaSequenceDiagram(remote, events, options).split("\n").map(decoded);
    const from = lines.indexOf("P2->>P4: +100 ms: reserve_inventory: POST /do, key saga-1…:1:action");
    expect(from).toBeGreaterThan(0);
    expect(lines.slice(from)).toEqual([
      "P2->>P4: +100 ms: reserve_inventory: POST /do, key saga-1…:1:action",
      "P4-->>P2: +200 ms: 201: Reserved 2 units of product_1",
      "P2->>P5: +200 ms: process_payment: POST /do, key saga-1…:2:action",
      "P5--xP2: +300 ms: answer lost on its way back",
      "Note over P2: +300 ms: no answer: retry with the same key after backoff",
      "P2->>P5: +400 ms: process_payment: POST /do, key saga-1…:2:action (attempt 2)",
      "P5-->>P2: +500 ms: 201 replayed: Processed payment of $100.0 for user_1",
      "P2->>P6: +500 ms: ship_order: POST /do, key saga-1…:3:action",
      "P6--xP2: +600 ms: 409: failed: Invalid shipping address",
      "Note over P2: +600 ms: compensate in reverse order",
      "P2->>P5: +600 ms: refund_payment: POST /undo, key saga-1…:2:compensation",
      "P5-->>P2: +700 ms: 200: Refunded payment of $100.0 to user_1",
    ]);
  });

  const remote: SagaOutline = {
    ...outline,
    steps: outline.steps.map((step) => ({ ...step, endpoint: { action: "POST /services/x/do", compensation: "POST /services/x/undo" } })),
  };

  it("notes a service step that gave up and is undone as in doubt", () => {
    const { events, add } = recorder(remote);
    add(0, null, "saga", "pending");
    add(0, 0, "action", "running");
    add(100, 0, "action", "failed", "Timed out after 1000 ms (gave up after 6 attempts)");
    add(100, 0, "compensation", "compensating");
    const lines = sagaSequenceDiagram(remote, events, options).split("\n").map(decoded);
    expect(lines.slice(lines.indexOf("P3--xP2: +100 ms: failed: Timed out after 1000 ms (gave up after 6 attempts)") + 1)[0]).toBe(
      "Note over P2: +100 ms: in doubt: it may have taken effect, so it is compensated too",
    );
  });

  it("notes a service step turned away at every attempt as having done nothing", () => {
    const { events, add } = recorder(remote);
    add(0, null, "saga", "pending");
    add(0, 0, "action", "running");
    add(100, 0, "action", "failed", "The x service answered 503 to POST /do (gave up after 6 attempts)");
    expect(sagaSequenceDiagram(remote, events, options).split("\n").slice(-2).map(decoded)).toEqual([
      "P3--xP2: +100 ms: failed: The x service answered 503 to POST /do (gave up after 6 attempts)",
      "Note over P2: +100 ms: turned away every time: it did nothing, so there is nothing to undo",
    ]);
  });

  it("answers the client when the saga gets stuck, and not again when an operator's retry ends it", () => {
    const { events, add } = recorder();
    let ms = upToShipping(add);
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
    // The operator retries two minutes and five seconds after the order came in.
    ms = 125_000;
    add(ms, null, "saga", "compensating", "Shipping address invalid");
    add(ms, 2, "compensation", "compensating");
    add(ms + 100, 2, "compensation", "compensated");
    add(ms + 100, 1, "compensation", "compensating");
    add(ms + 200, 1, "compensation", "compensated");
    add(ms + 200, 0, "compensation", "compensating");
    add(ms + 300, 0, "compensation", "compensated");
    add(3_725_000, null, "saga", "failed");
    const lines = sagaSequenceDiagram(outline, events, options).split("\n");
    const tail = lines.slice(lines.indexOf("Note over P2: +500 ms: compensate in reverse order"));
    expect(tail).toEqual([
      "Note over P2: +500 ms: compensate in reverse order",
      "P2->>P5: +500 ms: refund_payment",
      "P5--xP2: +600 ms: Payment service unavailable",
      "Note over P2: +600 ms: retry after backoff",
      "P2->>P5: +600 ms: refund_payment (attempt 2)",
      "P5--xP2: +700 ms: Payment service unavailable",
      "Note over P2: +700 ms: retry after backoff",
      "P2->>P5: +700 ms: refund_payment (attempt 3)",
      "P5--xP2: +800 ms: refund_payment failed: Payment service unavailable (gave up after 3 attempts)",
      "P2-->>P1: +800 ms: compensation_failed",
      "P1-->>P0: +800 ms: 201 compensation_failed",
      "Note over P2: +2 min 5 s: an operator retries: compensate the rest in reverse order",
      "P2->>P5: +2 min 5 s: refund_payment (attempt 4)",
      "P5-->>P2: +2 min 5 s: undone",
      "P2->>P4: +2 min 5 s: release_inventory",
      "P4-->>P2: +2 min 5 s: undone",
      "rect rgb(241, 245, 249)",
      "Note over P3: validate_order: nothing to undo",
      "end",
      "P2-->>P1: +1 h 2 min: failed",
    ]);
  });

  it("answers no one when the log it was given starts after the request", () => {
    const { events, add } = recorder();
    upToShipping(add);
    add(500, 3, "action", "completed");
    add(500, null, "saga", "completed");
    const lines = sagaSequenceDiagram(outline, events.slice(1), options).split("\n");
    expect(lines.some((line) => line.startsWith("P0->>"))).toBe(false);
    expect(lines[lines.length - 1]).toBe("P2-->>P1: +500 ms: completed");
    expect(sagaSequenceDiagram(outline, events, options).split("\n").slice(-2)).toEqual([
      "P2-->>P1: +500 ms: completed",
      "P1-->>P0: +500 ms: 201 completed",
    ]);
  });

  it("counts an event delivered twice once", () => {
    const events = shippingFailure();
    expect(sagaSequenceDiagram(outline, [...events, events[4], events[10]], options)).toBe(sagaSequenceDiagram(outline, events, options));
  });

  it("escapes hostile text wherever it goes: errors, details, names, labels and order fields", () => {
    const hostile = '"; end; click P1 call alert(1) %%{init}%%\n<script>';
    const named: SagaOutline = {
      ...outline,
      steps: outline.steps.map((step, i) => (i === 1 ? { ...step, name: hostile, compensation: hostile } : step)),
    };
    const events = shippingFailure(hostile).map((event) => ({ ...event, detail: event.detail && hostile }));
    const source = sagaSequenceDiagram(named, events, {
      // Not the same label as the hostile step's humanized name, or the two would share a participant.
      services: { validate_order: `${hostile} (validation)` },
      order: { user_id: hostile, product_id: hostile, quantity: 2, amount: 100 },
    });
    const lines = source.split("\n");
    // One line per statement: the newline in the text did not make one of its own.
    expect(lines).toHaveLength(sagaSequenceDiagram(outline, shippingFailure(), options).split("\n").length);
    for (const line of lines.slice(2)) {
      if (line === "rect rgb(241, 245, 249)" || line === "end") continue;
      const match = /^(participant P\d+ as |Note over P\d+: |Note over P0,P1: |P\d+(?:->>|-->>|--x)P\d+: )(.*)$/.exec(line);
      expect(match, line).not.toBeNull();
      // Entity codes (#quot; #60;) are Mermaid's own escapes; nothing else may carry a ; < > " % { or }.
      const text = match![2].replace(/#(?:[a-z]+|\d+);/g, "");
      expect(text, line).not.toMatch(/[;<>"%{}#\n]/);
    }
    expect(source).toContain("#quot;#59; end#59; click P1 call alert(1) #37;#37;#123;init#125;#37;#37; #lt;script#gt;");
  });

  it("is Mermaid's own sequence syntax, hostile text and all", async () => {
    // Mermaid's parser runs without a DOM (rendering would need one), so the source is checked by the real grammar.
    const { default: mermaid } = await import("mermaid");
    const hostile = '"; end; click P1 call alert(1) %%{init}%%\n<script>';
    const events = shippingFailure(hostile).map((event) => ({ ...event, detail: event.detail && `${hostile} #1; $5: done` }));
    for (const source of [
      sagaSequenceDiagram(outline, shippingFailure(), options),
      sagaSequenceDiagram(outline, events, {
        services: { validate_order: hostile },
        order: { user_id: hostile, product_id: hostile, quantity: 2, amount: 1.5 },
      }),
    ]) {
      await expect(mermaid.parse(source)).resolves.toMatchObject({ diagramType: "sequence" });
    }
  });

  it("writes times from the first event: milliseconds, then tenths of seconds", () => {
    const { events, add } = recorder();
    add(0, null, "saga", "processing");
    add(105, 0, "action", "running");
    add(1_249, 0, "action", "completed");
    const lines = sagaSequenceDiagram(outline, events).split("\n");
    expect(lines.slice(-3)).toEqual([
      "Note over P2: +0 ms: processing: the steps run in order",
      "P2->>P3: +105 ms: validate_order",
      "P3-->>P2: +1.2 s: done",
    ]);
  });
});

describe("a service's log line on an arrow", () => {
  it("shows ids by their start and stays short: the full line is in the story", async () => {
    const { brief } = await import("./sequence");
    expect(brief("Validated order ffdcf82d-6fc9-407b-a7bc-cdc849398021")).toBe("Validated order ffdcf82d…");
    expect(brief("Reserved 2 units of product_1")).toBe("Reserved 2 units of product_1");
    const long = "Shipped order to 1 Analytical Way, London, a very long address indeed";
    expect(brief(long)).toHaveLength(48);
    expect(brief(long).endsWith("…")).toBe(true);
  });
});
