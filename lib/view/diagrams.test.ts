// The diagrams are generated from the outline: every step shows up in each of them, a new step shows up
// everywhere, the run diagram colours each node by its status, and no text can escape its label.
import { describe, expect, it } from "vitest";
import { orderSaga } from "../orders/order-saga";
import {
  escapeText,
  mainWorkflowDiagram,
  sagaRunDiagram,
  sequenceDiagram,
  serviceInteractionsDiagram,
  statusStateDiagram,
  testScenariosDiagram,
  workflowDiagrams,
} from "./diagrams";
import { outline as outlineOf, type SagaOutline } from "./outline";
import { replay, type LogEvent } from "./replay";
import { sagaStatuses } from "../saga/status";

const order = outlineOf(orderSaga);

function withStep(outline: SagaOutline, name: string, compensation: string): SagaOutline {
  return { ...outline, steps: [...outline.steps, { name, compensation, durationMs: 50 }] };
}

// A run failing at process_payment: validate and reserve completed, then compensated in reverse.
function failedRun(): LogEvent[] {
  let id = 0;
  const at = (ms: number) => new Date(Date.UTC(2026, 0, 1) + ms).toISOString();
  const event = (position: number | null, phase: string, outcome: string, ms: number, error: string | null = null): LogEvent => ({
    id: ++id,
    saga_id: "saga-1",
    order_id: "order-1",
    position,
    step: position === null ? null : order.steps[position].name,
    phase,
    outcome,
    error,
    created_at: at(ms),
  });
  return [
    event(null, "saga", "pending", 0),
    event(null, "saga", "processing", 1),
    event(0, "action", "running", 2),
    event(0, "action", "completed", 102),
    event(1, "action", "running", 103),
    event(1, "action", "completed", 203),
    event(2, "action", "running", 204),
    event(2, "action", "failed", 304, "Insufficient funds"),
    event(null, "saga", "compensating", 304, "Insufficient funds"),
    event(1, "compensation", "compensating", 305),
    event(1, "compensation", "compensated", 405),
    event(0, "compensation", "compensating", 406),
    event(0, "compensation", "compensated", 506),
    event(null, "saga", "failed", 507),
  ];
}

/** The class a run diagram gives a node, from its `class node status` line. */
function classOf(source: string, node: string): string | undefined {
  return source.match(new RegExp(`^class ${node} (\\w+)$`, "m"))?.[1];
}

describe("workflow diagrams", () => {
  it("mention every step of the outline, in each of the six diagrams", () => {
    const diagrams = workflowDiagrams(order);
    expect(diagrams).toHaveLength(6);
    for (const diagram of diagrams) {
      for (const step of order.steps) expect(diagram.source, `${diagram.id} names ${step.name}`).toContain(step.name);
    }
  });

  it("follow the seed's diagram types", () => {
    expect(workflowDiagrams(order).map((diagram) => diagram.source.split("\n")[0])).toEqual([
      "flowchart TD",
      // One row per service rather than the seed's eight columns: it fits a page at a readable size.
      "flowchart LR",
      "flowchart LR",
      "stateDiagram-v2",
      "flowchart TD",
      "sequenceDiagram",
    ]);
  });

  it("add a fifth step to every diagram when the outline gains one", () => {
    const five = withStep(order, "send_invoice", "void_invoice");
    for (const [index, diagram] of workflowDiagrams(five).entries()) {
      expect(diagram.source, diagram.id).toContain("send_invoice");
      expect(diagram.source, diagram.id).not.toEqual(workflowDiagrams(order)[index].source);
    }
    // The step-dependent parts grow with it: a block per step, a scenario per failure, a participant per step.
    expect(mainWorkflowDiagram(five)).toContain("Step 5: Send invoice");
    expect(testScenariosDiagram(five)).toContain("Test 6: Send invoice Fails");
    expect(sequenceDiagram(five)).toContain("participant S4 as Send invoice");
    expect(serviceInteractionsDiagram(five)).toContain("send_invoice.compensate");
    // ship_order is no longer last, so a failure of send_invoice now cancels the shipment.
    expect(mainWorkflowDiagram(order)).not.toContain("cancel_shipment");
    expect(mainWorkflowDiagram(five)).toContain("cancel_shipment()");
  });

  it("draw every saga status in the status diagram, compensation_failed and the operator's retry included", () => {
    const source = statusStateDiagram(order);
    for (const status of sagaStatuses) expect(source).toMatch(new RegExp(`^note (left|right) of ${status.toUpperCase()}$`, "m"));
    expect(source).toContain("COMPENSATING --> COMPENSATION_FAILED: Compensation Gave Up");
    expect(source).toContain("COMPENSATION_FAILED --> COMPENSATING: Operator Retry");
  });

  it("draw each service as a participant of its own, called over HTTP with the step's key", () => {
    const source = sequenceDiagram(order);
    expect(source).toContain("participant S0 as Validate order");
    expect(source).toContain("participant S1 as Inventory service");
    expect(source).toContain("participant S2 as Payments service");
    expect(source).toContain("participant S3 as Shipping service");
    expect(source).toContain("Orchestrator->>S2: POST /services/payment/charges (Idempotency-Key)");
    expect(source).toContain("Orchestrator->>S0: validate_order()");
    expect(serviceInteractionsDiagram(order)).toContain("POST /charges (Same Key)");
    expect(serviceInteractionsDiagram(order)).toContain("POST /refunds: Undone, or Nothing to Undo");
  });

  it("compensate in reverse order in the sequence diagram", () => {
    const source = sequenceDiagram(order);
    const afterShipping = source.slice(source.indexOf("else ship_order failed"));
    const calls = [
      "refund_payment: POST /services/payment/refunds",
      "release_inventory: POST /services/inventory/releases",
      "no_compensation()",
    ].map((call) => afterShipping.indexOf(call));
    expect(calls.every((at) => at > 0)).toBe(true);
    expect([...calls].sort((a, b) => a - b)).toEqual(calls);
  });

  it("use the examples given for the test scenarios", () => {
    const source = testScenariosDiagram(order, {
      process_payment: { title: "Insufficient Funds", order: "user_3, product_1, qty=1, $500" },
    });
    expect(source).toContain("Test 4: Insufficient Funds");
    expect(source).toContain("user_3, product_1, qty=1, #36;500");
  });
});

describe("the run diagram", () => {
  it("gives each node the class of its status", () => {
    const state = replay(order, failedRun());
    const source = sagaRunDiagram(order, state);
    // validate_order's compensation undoes nothing: it is greyed out, not amber.
    expect(classOf(source, "step0")).toBe("noop");
    expect(classOf(source, "step1")).toBe("compensated");
    expect(classOf(source, "step2")).toBe("failed");
    expect(classOf(source, "step3")).toBe("pending");
    expect(classOf(source, "undo1")).toBe("compensated");
    expect(classOf(source, "undo0")).toBe("noop");
    expect(classOf(source, "finish")).toBe("failed");
    for (const status of ["completed", "failed", "compensated", "compensating", "running", "pending", "noop"]) {
      expect(source).toMatch(new RegExp(`^classDef ${status} `, "m"));
    }
    expect(source).toContain("Insufficient funds");
  });

  it("draws a compensation that undoes nothing as nothing to undo, with no time and no no_compensation call", () => {
    const source = sagaRunDiagram(order, replay(order, failedRun()));
    expect(source).toMatch(/^undo0\["1\. validate_order<br\/>nothing to undo"\]$/m);
    expect(source).not.toContain("no_compensation");
    // The compensation that did something still says how long it took.
    expect(source).toMatch(/^undo1\["undo 2\.<br\/>release_inventory<br\/>compensated<br\/>in 100 ms"\]$/m);
  });

  it("draws the compensations actually taken, in reverse, from the failed step", () => {
    const source = sagaRunDiagram(order, replay(order, failedRun()));
    expect(source).toContain(`step2 -.->|"compensate"| undo1`);
    expect(source).toContain("undo1 -.-> undo0");
    expect(source).toContain("undo0 -.-> finish");
    expect(source).not.toContain("undo2");
    expect(source).not.toContain("undo3");
  });

  it("follows a run in flight: the running step, then the compensating one", () => {
    const events = failedRun();
    expect(classOf(sagaRunDiagram(order, replay(order, events.slice(0, 7))), "step2")).toBe("running");
    const compensating = sagaRunDiagram(order, replay(order, events.slice(0, 10)));
    expect(classOf(compensating, "step1")).toBe("compensating");
    expect(classOf(compensating, "undo1")).toBe("compensating");
    expect(classOf(compensating, "undo0")).toBe("pending");
    expect(classOf(compensating, "finish")).toBe("compensating");
  });

  it("marks the path of a completed run", () => {
    const state = replay(order, []);
    const completed = {
      ...state,
      status: "completed" as const,
      steps: state.steps.map((step) => ({ ...step, status: "completed" as const, attempts: 1 })),
    };
    const source = sagaRunDiagram(order, completed);
    for (const [index] of order.steps.entries()) expect(classOf(source, `step${index}`)).toBe("completed");
    expect(source).toContain("step3 ==> finish");
    expect(source).not.toContain("undo");
  });
});

describe("escaping", () => {
  const hostile = [
    `"]; click A call alert(1) %%`,
    `<img src=x onerror=alert(1)>`,
    "%%{init: {'theme':'forest'}}%%",
    "a\nend\nb",
    "`**md**` $$x$$ #quot; &amp;",
  ];

  it("turns every character Mermaid or HTML interprets into an entity code", () => {
    expect(escapeText(`"]; click A call alert(1) %%`)).toBe("#quot;#93;#59; click A call alert(1) #37;#37;");
    expect(escapeText("<img src=x onerror=alert(1)>")).toBe("#lt;img src=x onerror=alert(1)#gt;");
    expect(escapeText("a & b\nc")).toBe("a #amp; b c");
    // A colon stays only before a space, where no Mermaid rule gives it a meaning.
    expect(escapeText("Step 1: a:b")).toBe("Step 1: a#58;b");
    for (const text of hostile) expect(escapeText(text)).toMatch(/^([A-Za-z0-9 _.,()/+=#;-]|: )*$/);
  });

  it("keeps hostile step names, compensations and subjects inside their labels in every diagram", () => {
    const outline: SagaOutline = {
      name: hostile[0],
      subject: hostile[1],
      steps: hostile.map((text) => ({ name: text, compensation: text, durationMs: 1 })),
    };
    const events: LogEvent[] = [
      {
        id: 1,
        saga_id: "s",
        order_id: "o",
        position: 0,
        step: hostile[0],
        phase: "action",
        outcome: "running",
        error: null,
        created_at: new Date(0).toISOString(),
      },
      {
        id: 2,
        saga_id: "s",
        order_id: "o",
        position: 0,
        step: hostile[0],
        phase: "action",
        outcome: "failed",
        error: hostile[1],
        created_at: new Date(5).toISOString(),
      },
    ];
    const sources = [...workflowDiagrams(outline).map((diagram) => diagram.source), sagaRunDiagram(outline, replay(outline, events))];
    for (const source of sources) {
      for (const text of hostile) expect(source).not.toContain(text);
      expect(source).not.toMatch(/<img|onerror=alert\(1\)>|click A call alert\(1\) %%|%%\{|\$\$|`/);
      // The only markup a label carries is the line break the generator puts there (arrows aside).
      expect(source.replace(/<br\/?>/g, "").replace(/[-=.]+>+/g, "")).not.toMatch(/[<>]/);
      // No name starts a statement of its own: the only "end note" lines are the generator's.
      expect(source.split("\n").filter((line) => line !== "end note" && /^\s*(click|end note|%%\{)/.test(line))).toEqual([]);
      expect(source).toContain("#lt;img src=x onerror=alert(1)#gt;");
    }
  });
});
