/**
 * One saga run as a Mermaid sequence diagram, written from its event log: the client's request, each
 * call the orchestrator made to a step's service and what came back (done, a passing failure, a
 * failure), the compensations in the order they ran, and the answer. Unlike the seed's sequence
 * diagram (diagrams.ts), which shows every path a run could take, this one shows the path one run took,
 * with each message's time since the run began. Pure and client-safe: the timeline regenerates it as
 * events arrive. Every text goes through `escapeText`, and participants get ids of ours (P0, P1...), so
 * no step name, service label, order field or error can break out of its message.
 */
import { escapeText } from "./mermaid-text";
import { hasUndo, humanize, type SagaOutline } from "./outline";
import type { LogEvent } from "./replay";

export interface SequenceOptions {
  /** Step name -> participant label ("reserve_inventory" -> "Inventory"); steps sharing a label share a participant. */
  services?: Record<string, string>;
  /** The order as the client sent it, for the request's message (amount in dollars, as the API takes it). */
  order?: { user_id: string; product_id: string; quantity: number; amount: number };
}

const CLIENT = "P0";
const API = "P1";
const ORCHESTRATOR = "P2";

/** "+0 ms", "+105 ms", "+1.2 s", "+2 min 5 s", "+1 h 3 min": time since the run's first event. */
function elapsed(ms: number): string {
  const at = Math.max(0, Math.round(ms));
  if (at < 1_000) return `+${at} ms`;
  if (at < 60_000) return `+${(at / 1_000).toFixed(1)} s`;
  const seconds = Math.floor(at / 1_000);
  // A stuck saga can wait hours for an operator: past a minute, seconds' tenths say nothing.
  if (seconds < 3_600) return `+${Math.floor(seconds / 60)} min ${seconds % 60} s`;
  return `+${Math.floor(seconds / 3_600)} h ${Math.floor((seconds % 3_600) / 60)} min`;
}

export function sagaSequenceDiagram(outline: SagaOutline, events: readonly LogEvent[], options: SequenceOptions = {}): string {
  const out = [
    "sequenceDiagram",
    "autonumber",
    `participant ${CLIENT} as ${escapeText("Client")}`,
    `participant ${API} as ${escapeText("API")}`,
    `participant ${ORCHESTRATOR} as ${escapeText("Orchestrator")}`,
  ];

  // One participant per service: steps the caller maps to the same label are calls to the same service.
  const byLabel = new Map<string, string>();
  const serviceOf = outline.steps.map((step) => {
    const name = options.services?.[step.name] ?? humanize(step.name);
    let id = byLabel.get(name);
    if (!id) {
      id = `P${byLabel.size + 3}`;
      byLabel.set(name, id);
      out.push(`participant ${id} as ${escapeText(name)}`);
    }
    return id;
  });

  const attempts = { action: new Map<number, number>(), compensation: new Map<number, number>() };
  const attempt = (phase: "action" | "compensation", position: number) => {
    const n = (attempts[phase].get(position) ?? 0) + 1;
    attempts[phase].set(position, n);
    return n;
  };

  let origin: number | null = null;
  let lastId = 0;
  // The client waits for its 201 only on a run whose request we saw; a later end (after an operator's
  // retry, say) is no answer to anyone.
  let clientWaiting = false;
  let previousSagaStatus: string | null = null;
  // The steps whose undoing the log shows: a step that failed and is among them failed in doubt.
  const undone = new Set(events.filter((event) => event.phase === "compensation").map((event) => event.position));

  for (const event of events) {
    // A stream may deliver an event twice around a reconnect; the log is ordered by id.
    if (event.id <= lastId) continue;
    const first = lastId === 0;
    lastId = event.id;
    const at = Date.parse(event.created_at);
    origin ??= at;
    const time = elapsed(at - origin);
    const message = (from: string, arrow: string, to: string, text: string) =>
      out.push(`${from}${arrow}${to}: ${escapeText(`${time}: ${text}`)}`);
    const note = (text: string) => out.push(`Note over ${ORCHESTRATOR}: ${escapeText(`${time}: ${text}`)}`);

    if (event.phase === "saga") {
      switch (event.outcome) {
        case "pending": {
          // The order over the client and the API, not on the arrow (a long first message would push
          // every other participant off to the right) and not left of the client (where it would open
          // an empty margin the width of the note down the whole diagram).
          const order = options.order;
          if (order)
            out.push(
              `Note over ${CLIENT},${API}: ${escapeText(`${order.user_id}: ${order.quantity} x ${order.product_id}, $${order.amount}`)}`,
            );
          message(CLIENT, "->>", API, "POST /orders");
          message(API, "->>", ORCHESTRATOR, "record order and saga");
          clientWaiting = first;
          break;
        }
        case "processing":
          note("processing: the steps run in order");
          break;
        case "compensating":
          // Out of compensation_failed, the saga turns back only at an operator's retry.
          if (previousSagaStatus === "compensation_failed") note("an operator retries: compensate the rest in reverse order");
          else note("compensate in reverse order");
          break;
        case "completed":
        case "failed":
        case "compensation_failed":
          message(ORCHESTRATOR, "-->>", API, event.outcome);
          if (clientWaiting) message(API, "-->>", CLIENT, `201 ${event.outcome}`);
          clientWaiting = false;
          break;
      }
      previousSagaStatus = event.outcome;
      continue;
    }

    if (event.position === null) continue;
    const step = outline.steps[event.position];
    if (!step) continue;
    const service = serviceOf[event.position];
    const detail = event.detail ? `: ${brief(event.detail)}` : "";
    // A step that calls its service over HTTP: each attempt is its request, with the step's key, and
    // what came back is the service's answer (its status, and whether it was a replay), or none.
    const heard = event.call ? `${event.call.status}${event.call.replayed ? " replayed" : ""}` : "";
    const lost = !event.call && step.endpoint !== undefined && Boolean(event.error?.includes("lost on its way back"));
    const answered = (fallback: string) => (heard ? `${heard}${event.detail ? `: ${brief(event.detail)}` : ""}` : `${fallback}${detail}`);
    const failedAttempt = () => {
      if (lost) message(service, "--x", ORCHESTRATOR, "answer lost on its way back");
      else message(service, "--x", ORCHESTRATOR, `${heard ? `${heard}: ` : ""}${event.error ?? "attempt failed"}`);
      note(lost ? "no answer: retry with the same key after backoff" : "retry after backoff");
    };
    if (event.phase === "action") {
      switch (event.outcome) {
        case "running": {
          const n = attempt("action", event.position);
          const call = request(step.endpoint?.action, event, step.name);
          message(ORCHESTRATOR, "->>", service, n > 1 ? `${call} (attempt ${n})` : call);
          break;
        }
        case "completed":
          message(service, "-->>", ORCHESTRATOR, answered("done"));
          break;
        case "retrying":
          failedAttempt();
          break;
        case "failed":
          if (lost) message(service, "--x", ORCHESTRATOR, "answer lost on its way back");
          else message(service, "--x", ORCHESTRATOR, `${heard ? `${heard}: ` : ""}${event.error ? `failed: ${event.error}` : "failed"}`);
          // Gave up, and one of its requests may have reached the service (lib/saga/run.ts decides, and
          // the log shows its undoing): it may have taken effect, so it is undone with the others.
          if (undone.has(event.position)) note("in doubt: it may have taken effect, so it is compensated too");
          else if (step.endpoint && !event.call) note("turned away every time: it did nothing, so there is nothing to undo");
          break;
      }
    } else if (
      event.phase === "compensation" &&
      !hasUndo(step.compensation) &&
      (event.outcome === "compensating" || event.outcome === "compensated")
    ) {
      // A step declared with no_compensation changed nothing: the saga passes back through it, but
      // there is no call to draw and no time to give. A grey band, and a note that says so, once.
      if (event.outcome === "compensating" && attempt("compensation", event.position) === 1)
        out.push("rect rgb(241, 245, 249)", `Note over ${service}: ${escapeText(`${step.name}: nothing to undo`)}`, "end");
    } else if (event.phase === "compensation") {
      switch (event.outcome) {
        case "compensating": {
          const n = attempt("compensation", event.position);
          const call = request(step.endpoint?.compensation, event, step.compensation);
          message(ORCHESTRATOR, "->>", service, n > 1 ? `${call} (attempt ${n})` : call);
          break;
        }
        case "compensated":
          message(service, "-->>", ORCHESTRATOR, answered("undone"));
          break;
        case "retrying":
          failedAttempt();
          break;
        case "compensation_failed":
          // The engine's error already says which compensation failed and that it gave up.
          message(service, "--x", ORCHESTRATOR, event.error ?? "compensation failed");
          break;
      }
    }
  }
  return out.join("\n");
}

/**
 * An attempt's message: the action's or compensation's name, and for a step that calls a service, its
 * request as the service sees it, with the step's Idempotency-Key shortened
 * ("process_payment: POST /charges, key 3f2a1c9e…:2:action": the same on every attempt).
 */
function request(endpoint: string | undefined, event: LogEvent, name: string): string {
  if (!endpoint) return name;
  const [method, path] = endpoint.split(" ");
  return `${name}: ${method} ${path.slice(path.lastIndexOf("/"))}, key ${event.saga_id.slice(0, 8)}…:${event.position}:${event.phase}`;
}

// A message's width sets the distance between its two participants: long lines would push the services
// off the side. The full line is in the page's story; the diagram shows ids by their start, and at most
// this many characters.
const BRIEF = 48;

/** A service's log line, short enough for an arrow: "Validated order 3f2a1c9e…". */
export function brief(line: string): string {
  const short = line.replace(/\b([0-9a-f]{8})-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, "$1…");
  return short.length > BRIEF ? `${short.slice(0, BRIEF - 1)}…` : short;
}
