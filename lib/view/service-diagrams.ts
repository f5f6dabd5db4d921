/**
 * The two workflow diagrams that show the steps' services (lib/view/diagrams.ts lists all six): what each
 * service does for its step and its compensation, and the sequence of calls between the orchestrator and
 * them. A step that calls a service shows its request; a local step, its own work.
 */
import { hasUndo, humanize, type SagaOutline } from "./outline";
import { escapeText, label } from "./mermaid-text";

/** "POST /services/payment/charges" as a row named for its service shows it: "POST /charges". */
const shortRequest = (request: string) => request.replace(/\/services\/[^/]+/, "");

/**
 * The seed's "Detailed Service Interactions": what each step's service does, and what its compensation
 * does. One row per service, left to right: the seed draws them top-down, side by side, which makes the
 * diagram as wide as eight columns and too small to read once fitted to a page.
 */
export function serviceInteractionsDiagram(outline: SagaOutline): string {
  const out = ["flowchart LR", "%% Services: one per step, a row each"];
  outline.steps.forEach((step, i) => {
    const remote = step.endpoint;
    out.push(
      `A${i}[${label(remote && step.service ? `${step.service} Service` : `${humanize(step.name)} Service`, step.name)}] --> A${i}a[${label("Record Step: RUNNING")}]`,
      remote
        ? `A${i}a --> A${i}b[${label(`${shortRequest(remote.action)} (Same Key)`)}]`
        : `A${i}a --> A${i}b[${label(`Simulate Async Processing (${step.durationMs} ms)`)}]`,
      `A${i}b --> A${i}c{${label(remote ? "The Service's Rule Holds?" : "Business Rule Holds?")}}`,
      `A${i}c -->|${label("Yes")}| A${i}d[${label(remote ? "Service Commits Its Own Write" : "Write the Change, Keyed by Order")}]`,
      `A${i}c -->|${label("No")}| A${i}e[${label("Step Fails: Compensate Earlier Steps")}]`,
    );
  });
  out.push("%% Compensation services");
  outline.steps.forEach((step, i) => {
    const undo = !hasUndo(step.compensation)
      ? "No Action Required"
      : step.endpoint
        ? `${shortRequest(step.endpoint.compensation)}: Undone, or Nothing to Undo`
        : `Undo ${humanize(step.name)}, Keyed by Order`;
    out.push(
      `C${i}[${label(`${step.name}.compensate`, step.compensation)}] --> C${i}a[${label(undo)}]`,
      `C${i}a --> C${i}b[${label("Mark Step: COMPENSATED")}]`,
    );
  });
  out.push(
    "%% Styling",
    "classDef service fill:#e2e3e5,stroke:#383d41,stroke-width:2px,color:#1f2326",
    "classDef compensation fill:#fde2c4,stroke:#8a4b08,stroke-width:2px,color:#8a4b08",
    `class ${outline.steps.map((_, i) => `A${i}`).join(",")} service`,
    `class ${outline.steps.map((_, i) => `C${i}`).join(",")} compensation`,
  );
  return out.join("\n");
}

/** The seed's "Sequence Diagram": nested alternatives, one per step, each failure compensating what came before. */
export function sequenceDiagram(outline: SagaOutline): string {
  const { steps } = outline;
  const participant = (i: number) => `S${i}`;
  const text = escapeText;
  const out = [
    "sequenceDiagram",
    "participant Client",
    "participant API",
    "participant Orchestrator",
    // A step that calls a service is that service, a participant apart; a local step is the orchestrator's own.
    ...steps.map(
      (step, i) =>
        `participant ${participant(i)} as ${text(step.endpoint && step.service ? `${step.service} service` : humanize(step.name))}`,
    ),
    `Note over Client,API: ${text("Client initiates order creation")}`,
    `Client->>API: ${text("POST /orders")}`,
    `Note right of API: ${text("Validate and forward order to orchestrator")}`,
    `API->>Orchestrator: ${text("execute_saga(order)")}`,
    `Note right of Orchestrator: ${text("Start saga transaction")}`,
  ];
  const visit = (i: number, depth: number) => {
    const pad = "  ".repeat(depth);
    const step = steps[i];
    out.push(
      ...(step.endpoint
        ? [
            `${pad}Orchestrator->>${participant(i)}: ${text(`${step.endpoint.action} (Idempotency-Key)`)}`,
            `${pad}${participant(i)}-->>Orchestrator: ${text("2xx done, or 4xx refused (no answer: again, same key)")}`,
          ]
        : [
            `${pad}Orchestrator->>${participant(i)}: ${text(`${step.name}()`)}`,
            `${pad}${participant(i)}-->>Orchestrator: ${text("result (ok/fail)")}`,
          ]),
      `${pad}alt ${text(`${step.name} succeeded`)}`,
    );
    if (i + 1 < steps.length) {
      out.push(`${pad}  Note right of Orchestrator: ${text(`Proceed to ${steps[i + 1].name}`)}`);
      visit(i + 1, depth + 1);
    } else {
      out.push(
        `${pad}  Note over Orchestrator,API: ${text("All steps succeeded: Saga COMPLETED")}`,
        `${pad}  Orchestrator->>API: ${text("saga COMPLETED")}`,
        `${pad}  API-->>Client: ${text("Order Success")}`,
      );
    }
    out.push(`${pad}else ${text(`${step.name} failed`)}`);
    if (i > 0) {
      out.push(`${pad}  Note over Orchestrator,${participant(i - 1)}: ${text(`${step.name} failed: Start compensation`)}`);
      for (let j = i - 1; j >= 0; j--) {
        const undo = steps[j].endpoint ? `${steps[j].compensation}: ${steps[j].endpoint!.compensation}` : `${steps[j].compensation}()`;
        out.push(`${pad}  Orchestrator->>${participant(j)}: ${text(undo)}`);
      }
    } else {
      out.push(`${pad}  Note right of Orchestrator: ${text(`${step.name} failed, nothing to compensate`)}`);
    }
    out.push(
      `${pad}  Orchestrator->>API: ${text("saga FAILED")}`,
      `${pad}  API-->>Client: ${text(`Order Failed (${step.name})`)}`,
      `${pad}end`,
    );
  };
  if (steps.length > 0) visit(0, 0);
  return out.join("\n");
}
