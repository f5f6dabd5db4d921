/**
 * The seed's six workflow diagrams (spec/seed-workflow.txt) as Mermaid source, generated from a saga
 * outline: every part that is about steps (a block per step, the compensation chain in reverse, the
 * participants of the sequence diagram, the test scenarios) is written from the outline, so adding a
 * step to the definition redraws every diagram. The parts that are not about steps (the API endpoints,
 * the statuses) are written as in the seed. Pure and client-safe; every label goes through
 * `escapeText`/`label`, so no name can break out of its label.
 */
import { hasUndo, humanize, type SagaOutline, type StepOutline } from "./outline";
import { escapeText, label } from "./mermaid-text";
import { sagaStatuses, sagaTransitions, type SagaStatus } from "../saga/status";

import { sequenceDiagram, serviceInteractionsDiagram } from "./service-diagrams";

export { sagaRunDiagram } from "./run-diagram";
export { sequenceDiagram, serviceInteractionsDiagram } from "./service-diagrams";
export { escapeText } from "./mermaid-text";

/** A known order for a scenario of the test-scenarios diagram, keyed by "success" or a step's name. */
export interface ScenarioExample {
  title: string;
  order: string;
}
export type ScenarioExamples = Partial<Record<string, ScenarioExample>>;

/**
 * The steps that can ever be compensated: a step is compensated only when a later one fails, so the
 * last step's compensation never runs (a saga whose last step completes is completed).
 */
function compensable(outline: SagaOutline): { step: StepOutline; index: number }[] {
  return outline.steps
    .slice(0, -1)
    .map((step, index) => ({ step, index }))
    .reverse();
}

const arrow = (names: string[]) => names.join(" → ");

/** The seed's "Main Saga Workflow": the request, one block per step, success, and compensation in reverse. */
export function mainWorkflowDiagram(outline: SagaOutline): string {
  const { steps } = outline;
  const out = [
    "flowchart TD",
    "%% API entry point",
    `A[${label("Client POST /orders")}] --> B[${label("Create Order Object")}]`,
    `B --> C[${label("Generate Order ID & Saga ID")}]`,
    `C --> D[${label("Store Order in Database")}]`,
    "%% Saga orchestrator initialization",
    `D --> E[${label("Saga Orchestrator: execute_saga")}]`,
    `E --> F[${label("Initialize Saga Transaction")}]`,
    `F --> G[${label("Set Status: PENDING")}]`,
    `G --> G2[${label("Set Status: PROCESSING")}]`,
  ];
  let previous = "G2";
  steps.forEach((step, i) => {
    out.push(
      `%% Step ${i + 1}`,
      `${previous} --> S${i}[${label(`Step ${i + 1}: ${humanize(step.name)}`)}]`,
      `S${i} --> S${i}check{${label(`${step.name}()`)}}`,
      `S${i}check -->|${label("Success")}| S${i}ok[${label("Mark Step: COMPLETED")}]`,
      `S${i}check -->|${label("Failure")}| S${i}fail[${label("Mark Step: FAILED")}]`,
    );
    previous = `S${i}ok`;
  });
  out.push(
    "%% Success path",
    `${previous} --> Z[${label("Set Saga Status: COMPLETED")}]`,
    `Z --> AA[${label("Set Order Status: COMPLETED")}]`,
    `AA --> BB[${label("Return Success Response")}]`,
    "%% Failure paths",
    ...steps.map((_, i) => `S${i}fail --> CC[${label("Start Compensation")}]`),
    `CC --> DD[${label("Set Saga Status: COMPENSATING")}]`,
    `DD --> EE[${label("Compensate in Reverse Order")}]`,
    `EE --> FF{${label("Which step failed?")}}`,
  );
  // A failure at step i enters the chain at the compensation of step i-1; at the first step there is nothing to undo.
  for (let i = steps.length - 1; i >= 0; i--) {
    out.push(`FF -->|${label(`${steps[i].name} failed`)}| ${i > 0 ? `K${i - 1}` : "NN"}`);
  }
  for (const { step, index } of compensable(outline)) {
    const action = hasUndo(step.compensation) ? humanize(step.compensation) : "No Compensation Needed";
    out.push(
      `K${index}[${label(`Step ${index + 1}: ${action}`, `${step.compensation}()`)}] --> K${index}done[${label("Mark Step: COMPENSATED")}]`,
      `K${index}done --> ${index > 0 ? `K${index - 1}` : "NN"}`,
    );
  }
  out.push(
    `NN[${label("Set Saga Status: FAILED")}] --> OO[${label("Set Order Status: FAILED")}]`,
    `OO --> PP[${label("Return Error Response")}]`,
    "%% Styling",
    "classDef success fill:#d4edda,stroke:#155724,stroke-width:2px,color:#155724",
    "classDef failure fill:#f8d7da,stroke:#721c24,stroke-width:2px,color:#721c24",
    "classDef process fill:#d1ecf1,stroke:#0c5460,stroke-width:2px,color:#0c5460",
    "classDef decision fill:#fff3cd,stroke:#856404,stroke-width:2px,color:#856404",
    "classDef compensation fill:#fde2c4,stroke:#8a4b08,stroke-width:2px,color:#8a4b08",
    "class Z,AA,BB success",
    `class ${[...steps.map((_, i) => `S${i}fail`), "NN", "OO", "PP"].join(",")} failure`,
    `class ${["B", "C", "D", "E", "F", "G", "G2", ...steps.flatMap((_, i) => [`S${i}`, `S${i}ok`])].join(",")} process`,
    `class ${[...steps.map((_, i) => `S${i}check`), "FF"].join(",")} decision`,
    `class ${["CC", "DD", "EE", ...compensable(outline).flatMap(({ index }) => [`K${index}`, `K${index}done`])].join(",")} compensation`,
  );
  return out.join("\n");
}

/** The seed's "API Endpoints and Data Flow", with the saga run and the live event stream of this app. */
export function apiDataFlowDiagram(outline: SagaOutline): string {
  const endpoints: [id: string, path: string, action: string, actionText: string, response: string, responseText: string][] = [
    ["POST", "POST /orders", "CreateOrder", "Create Order", "Response", "Return Order + Saga ID"],
    ["GET_ORDER", "GET /orders/{id}", "FetchOrder", "Fetch Order from DB", "OrderResponse", "Return Order Details"],
    ["GET_SAGA", "GET /sagas/{id}", "FetchSaga", "Fetch Saga from DB", "SagaResponse", "Return Saga Status"],
    ["GET_EVENTS", "GET /sagas/{id}/events", "StreamEvents", "Read the Saga Event Log", "EventsResponse", "Stream Events as They Commit"],
    ["GET_INV", "GET /inventory", "FetchInventory", "Fetch Inventory DB", "InventoryResponse", "Return Inventory Levels"],
    ["GET_BAL", "GET /balances", "FetchBalances", "Fetch User Balances", "BalanceResponse", "Return User Balances"],
    ["HEALTH", "GET /health", "HealthCheck", "Health Check", "HealthResponse", "Return Health Status"],
  ];
  return [
    "flowchart LR",
    "%% Client interactions",
    `Client[${label("Client Application")}]`,
    ...endpoints.map(([id, path]) => `Client --> ${id}[${label(path)}]`),
    "%% API processing",
    ...endpoints.map(([id, , action, actionText]) => `${id} --> ${action}[${label(actionText)}]`),
    `CreateOrder --> RunSaga[${label("Run the Saga", arrow(outline.steps.map((step) => step.name)))}]`,
    "%% Response flow",
    ...endpoints.map(([, , action, , response, responseText]) =>
      action === "CreateOrder" ? `RunSaga --> ${response}[${label(responseText)}]` : `${action} --> ${response}[${label(responseText)}]`,
    ),
    "%% Database layer",
    `CreateOrder --> OrdersDB[(${label("Orders Database")})]`,
    "FetchOrder --> OrdersDB",
    `RunSaga --> SagaDB[(${label("Saga Transactions DB")})]`,
    "FetchSaga --> SagaDB",
    "StreamEvents --> SagaDB",
    `FetchInventory --> InventoryDB[(${label("Inventory Database")})]`,
    `FetchBalances --> UserDB[(${label("User Balances DB")})]`,
    "%% Styling",
    "classDef client fill:#d1ecf1,stroke:#0c5460,stroke-width:2px,color:#0c5460",
    "classDef api fill:#d4edda,stroke:#155724,stroke-width:2px,color:#155724",
    "classDef db fill:#fff3cd,stroke:#856404,stroke-width:2px,color:#856404",
    "classDef response fill:#e2e3e5,stroke:#383d41,stroke-width:2px,color:#1f2326",
    "class Client client",
    `class ${endpoints.map(([id]) => id).join(",")} api`,
    "class OrdersDB,SagaDB,InventoryDB,UserDB db",
    `class ${endpoints.map(([, , , , response]) => response).join(",")} response`,
  ].join("\n");
}

/**
 * The seed's "Error Handling and Status Transitions", drawn from the status list and its transitions
 * (lib/saga/status.ts), so every status is in it. The notes list the steps and the compensations. Note
 * lines start with a number or a word of ours, so no name can open a line with "end note".
 */
export function statusStateDiagram(outline: SagaOutline): string {
  const state = (status: string) => (status === "start" || status === "end" ? "[*]" : status.toUpperCase());
  // The notes of the way in and of the forward path on the left, the others on the right: all on one
  // side, they spread the diagram to twice the width of a page.
  const side = (status: SagaStatus) =>
    status === "pending" || status === "processing" || status === "compensating" || status === "completed" ? "left" : "right";
  const note = (status: SagaStatus, lines: string[]) => [
    `note ${side(status)} of ${state(status)}`,
    ...lines.map((line) => `  ${escapeText(line)}`),
    "end note",
  ];
  const notes: Record<SagaStatus, string[]> = {
    pending: ["Initial state when order", "is first created"],
    processing: ["Saga orchestrator executing", "steps sequentially:", ...outline.steps.map((step, i) => `${i + 1}. ${step.name}`)],
    compensating: [
      "Executing compensation",
      "actions in reverse order:",
      ...compensable(outline).map(({ step, index }) => `undo ${index + 1}. ${step.compensation}`),
    ],
    completed: ["All steps successful,", "order fulfilled"],
    failed: ["Compensation complete,", "order cancelled"],
    compensation_failed: ["A compensation kept failing:", "stuck until an operator", "retries it"],
  };
  return [
    "stateDiagram-v2",
    ...sagaTransitions.map(({ from, to, why }) => `${state(from)} --> ${state(to)}${why ? `: ${escapeText(why)}` : ""}`),
    ...sagaStatuses.flatMap((status) => note(status, notes[status])),
  ].join("\n");
}

/** The seed's "Test Scenarios Flow": the success path and a failure at each step, with its compensations. */
export function testScenariosDiagram(outline: SagaOutline, examples: ScenarioExamples = {}): string {
  const out = ["flowchart TD"];
  const success = examples.success;
  const successes = ["D0"];
  const failures: string[] = [];
  const tests: string[] = ["A0"];
  out.push(
    "%% Scenario 1: every step succeeds",
    `A0[${label(`Test 1: ${success?.title ?? "Valid Order"}`)}] --> B0[${label(success?.order ?? "An order every step accepts")}]`,
    `B0 --> C0[${label("All Steps Pass", arrow(outline.steps.map((step) => step.name)))}]`,
    `C0 --> D0[${label("Order: COMPLETED")}]`,
  );
  outline.steps.forEach((step, failed) => {
    const n = failed + 1;
    const example = examples[step.name];
    out.push(
      `%% Scenario ${n + 1}: a failure at step ${n}`,
      `A${n}[${label(`Test ${n + 1}: ${example?.title ?? `${humanize(step.name)} Fails`}`)}] --> B${n}[${label(example?.order ?? `An order ${step.name} rejects`)}]`,
      `B${n} --> C${n}[${label(`${humanize(step.name)} Step Fails`, step.name)}]`,
    );
    let previous = `C${n}`;
    // The steps before the failed one are compensated, last first.
    for (let i = failed - 1; i >= 0; i--) {
      const before = outline.steps[i];
      const text = hasUndo(before.compensation) ? humanize(before.compensation) : "No Compensation Needed";
      out.push(`${previous} --> K${n}_${i}[${label(`Compensation: ${text}`, before.compensation)}]`);
      previous = `K${n}_${i}`;
    }
    if (failed === 0) {
      out.push(`${previous} --> K${n}_none[${label("Nothing to Compensate")}]`);
      previous = `K${n}_none`;
    }
    out.push(`${previous} --> E${n}[${label("Order: FAILED")}]`);
    failures.push(`E${n}`);
    tests.push(`A${n}`);
  });
  out.push(
    "%% Styling",
    "classDef success fill:#d4edda,stroke:#155724,stroke-width:2px,color:#155724",
    "classDef failure fill:#f8d7da,stroke:#721c24,stroke-width:2px,color:#721c24",
    "classDef test fill:#e2e3e5,stroke:#383d41,stroke-width:2px,color:#1f2326",
    `class ${successes.join(",")} success`,
    `class ${failures.join(",")} failure`,
    `class ${tests.join(",")} test`,
  );
  return out.join("\n");
}

export interface WorkflowDiagram {
  id: string;
  title: string;
  source: string;
}

/** The six diagrams in the seed's order. */
export function workflowDiagrams(outline: SagaOutline, examples: ScenarioExamples = {}): WorkflowDiagram[] {
  return [
    { id: "main-workflow", title: "Main saga workflow", source: mainWorkflowDiagram(outline) },
    { id: "service-interactions", title: "Detailed service interactions", source: serviceInteractionsDiagram(outline) },
    { id: "api-data-flow", title: "API endpoints and data flow", source: apiDataFlowDiagram(outline) },
    { id: "status-transitions", title: "Error handling and status transitions", source: statusStateDiagram(outline) },
    { id: "test-scenarios", title: "Test scenarios flow", source: testScenariosDiagram(outline, examples) },
    { id: "sequence", title: "Sequence diagram", source: sequenceDiagram(outline) },
  ];
}
