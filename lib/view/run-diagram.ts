/**
 * One saga run as a Mermaid flowchart: the steps in order, the path the run actually took (thick),
 * the compensations it ran in reverse (dashed amber), and the rest greyed out. Each node carries the
 * class of its status, so colour tells the story: completed green, failed red, compensated amber,
 * compensating amber and dashed, running blue, not reached grey. Pure and client-safe: the timeline
 * regenerates it from the folded event log on every event.
 */
import { label } from "./mermaid-text";
import { hasUndo, type SagaOutline } from "./outline";
import type { SagaState, StepState } from "./replay";
import type { SagaStatus, StepStatus } from "../saga/status";

export const runNodeIds = {
  start: "start",
  finish: "finish",
  step: (position: number) => `step${position}`,
  compensation: (position: number) => `undo${position}`,
};

// Light fills with dark text of the same hue, so the nodes read in both Mermaid themes.
const classDefs: Record<StepStatus, string> = {
  completed: "fill:#dcfce7,stroke:#15803d,stroke-width:2px,color:#14532d",
  failed: "fill:#fee2e2,stroke:#b91c1c,stroke-width:3px,color:#7f1d1d",
  compensated: "fill:#fef3c7,stroke:#b45309,stroke-width:2px,color:#78350f",
  compensating: "fill:#fef3c7,stroke:#d97706,stroke-width:3px,color:#78350f,stroke-dasharray:6 4",
  running: "fill:#dbeafe,stroke:#1d4ed8,stroke-width:3px,color:#1e3a8a",
  pending: "fill:#f1f5f9,stroke:#94a3b8,stroke-width:1px,color:#475569",
  compensation_failed: "fill:#ffedd5,stroke:#c2410c,stroke-width:4px,color:#7c2d12",
};
// A compensation that undoes nothing (no_compensation), passed through: greyed out, dashed, no time.
const noopClassDef = "fill:#f8fafc,stroke:#94a3b8,stroke-width:1px,color:#64748b,stroke-dasharray:3 3";

const sagaClass: Record<SagaStatus, StepStatus> = {
  pending: "pending",
  processing: "running",
  compensating: "compensating",
  completed: "completed",
  failed: "failed",
  compensation_failed: "compensation_failed",
};

const edgeColours = { taken: "#15803d", compensation: "#d97706", untaken: "#94a3b8" } as const;
type EdgeKind = keyof typeof edgeColours;

export function formatDuration(from: string | null, to: string | null): string | null {
  if (!from || !to) return null;
  const ms = Math.max(0, Date.parse(to) - Date.parse(from));
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(2)} s`;
}

/** A step the saga passed back through whose compensation undoes nothing: greyed out, not amber. */
function passedThrough(step: StepState): boolean {
  return (step.status === "compensating" || step.status === "compensated") && !hasUndo(step.compensation);
}

function stepLines(step: StepState, sagaStatus: SagaStatus): string[] {
  const took = formatDuration(step.startedAt, step.finishedAt);
  const status =
    step.status === "pending" ? (sagaStatus === "completed" || sagaStatus === "failed" ? "not reached" : "pending") : step.status;
  // A step that failed in doubt and is undone since: both, and why it failed rather than how its undoing went.
  const inDoubt = step.actionFailed && step.status !== "failed";
  return [
    passedThrough(step) ? "completed" : inDoubt ? `failed in doubt, ${status}` : status,
    passedThrough(step) && "nothing to undo",
    took && `action ${took}`,
    step.attempts > 1 ? `${step.attempts} attempts` : "",
    (inDoubt ? step.actionError : step.error) ?? "",
  ].filter((line): line is string => Boolean(line));
}

export function sagaRunDiagram(outline: SagaOutline, state: SagaState): string {
  const { steps } = state;
  const out = ["flowchart TB"];
  const classes: [node: string, status: StepStatus | "noop"][] = [];
  const edges: EdgeKind[] = [];
  const edge = (from: string, to: string, kind: EdgeKind, text?: string) => {
    const arrow = kind === "taken" ? "==>" : "-.->";
    out.push(text ? `${from} ${arrow}|${label(text)}| ${to}` : `${from} ${arrow} ${to}`);
    edges.push(kind);
  };

  const finished = state.status === "completed" || state.status === "failed";
  out.push(`${runNodeIds.start}([${label(`${outline.subject} placed`)}])`);
  classes.push([runNodeIds.start, state.status === "pending" ? "pending" : "completed"]);
  steps.forEach((step, position) => {
    out.push(`${runNodeIds.step(position)}[${label(`${position + 1}. ${step.name}`, ...stepLines(step, state.status))}]`);
    classes.push([runNodeIds.step(position), passedThrough(step) ? "noop" : step.status]);
  });
  out.push(`${runNodeIds.finish}([${label(`Saga ${state.status}`, finished ? formatDuration(state.startedAt, state.finishedAt) : null)}])`);
  classes.push([runNodeIds.finish, sagaClass[state.status]]);

  // The forward path: an edge is taken when the run reached the node it points to.
  const ids = [runNodeIds.start, ...steps.map((_, position) => runNodeIds.step(position))];
  steps.forEach((step, position) => edge(ids[position], ids[position + 1], step.attempts > 0 ? "taken" : "untaken"));
  edge(ids[ids.length - 1], runNodeIds.finish, state.status === "completed" ? "taken" : "untaken");

  // The compensation path, from the failed step back through every step it undid, last first; while
  // compensating, the compensations still to run are drawn grey.
  const failed = steps.findIndex((step) => step.actionFailed);
  const undoing = state.status === "compensating" || state.status === "compensation_failed";
  if (failed >= 0 || undoing || state.status === "failed") {
    let previous = failed >= 0 ? runNodeIds.step(failed) : runNodeIds.start;
    let reached = true;
    for (let position = steps.length - 1; position >= 0; position--) {
      const step = steps[position];
      const started = step.status === "compensating" || step.status === "compensated" || step.status === "compensation_failed";
      const ahead = undoing && step.status === "completed";
      if (!started && !ahead) continue;
      const node = runNodeIds.compensation(position);
      if (!hasUndo(step.compensation)) {
        // Nothing to undo: the path passes through, but this is no call and takes no time.
        out.push(`${node}[${label(`${position + 1}. ${step.name}`, "nothing to undo")}]`);
        classes.push([node, started ? "noop" : "pending"]);
      } else {
        out.push(`${node}[${label(`undo ${position + 1}.`, step.compensation, ...compensationLines(step))}]`);
        classes.push([node, started ? step.status : "pending"]);
      }
      reached = reached && started;
      edge(previous, node, reached ? "compensation" : "untaken", previous === runNodeIds.step(failed) ? "compensate" : undefined);
      previous = node;
    }
    edge(previous, runNodeIds.finish, state.status === "failed" ? "compensation" : "untaken");
  }

  out.push(...Object.entries(classDefs).map(([name, style]) => `classDef ${name} ${style}`), `classDef noop ${noopClassDef}`);
  out.push(...classes.map(([node, status]) => `class ${node} ${status}`));
  edges.forEach((kind, index) => {
    const dash = kind === "taken" ? "" : ",stroke-dasharray:5 5";
    out.push(`linkStyle ${index} stroke:${edgeColours[kind]},stroke-width:${kind === "untaken" ? 1 : 3}px${dash}`);
  });
  return out.join("\n");
}

/** A compensation's status, then how long it took, each on a line of its own (labels wrap at 160 px). */
function compensationLines(step: StepState): string[] {
  if (step.status === "compensated") {
    const took = formatDuration(step.compensationStartedAt, step.compensatedAt);
    return took ? ["compensated", `in ${took}`] : ["compensated"];
  }
  if (step.status === "compensation_failed") return ["compensation failed"];
  return [step.status === "compensating" ? "compensating" : "to compensate"];
}
