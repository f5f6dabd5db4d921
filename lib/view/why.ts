/**
 * One plain sentence per event of a saga's log, saying why it happened and what it leads to: the
 * timeline shows it beside each transition, so that a reader who does not know sagas can follow a run
 * (why a step runs again, which compensation comes next, why a stuck saga waits). Pure and client-safe;
 * the earlier events give the context (attempt numbers, the steps that had completed), folded with
 * `replay` as the timeline folds them. Plain text: the UI escapes it.
 */
import { hasUndo, humanize, type SagaOutline, type StepOutline } from "./outline";
import { replay, type LogEvent, type SagaState } from "./replay";

/** The events in log order, without the repeats a stream may deliver around a reconnect. */
function distinct(events: readonly LogEvent[]): LogEvent[] {
  let lastId = 0;
  return events.filter((event) => {
    if (event.id <= lastId) return false;
    lastId = event.id;
    return true;
  });
}

/**
 * The step the engine compensates next, as it picks it: the last one still completed or part-way
 * through its compensation (a failed step did nothing to undo, and is skipped).
 */
function nextToCompensate(outline: SagaOutline, state: SagaState): StepOutline | undefined {
  for (let position = state.steps.length - 1; position >= 0; position--) {
    const status = state.steps[position].status;
    if (status === "completed" || status === "compensating" || status === "compensation_failed") return outline.steps[position];
  }
  return undefined;
}

/** Whether the log shows the step at `position` being undone after `event`: its action failed in doubt. */
function undoneLater(events: readonly LogEvent[], event: LogEvent, position: number): boolean {
  return events.some((e) => e.id > event.id && e.phase === "compensation" && e.position === position);
}

/**
 * An error as a reader wants it. The engine writes a step that gave up as "<reason> (gave up after 3
 * attempts)" and a compensation as "<compensation> failed: <reason> (gave up ...)": the sentence says
 * who failed and how often, so only the reason goes in brackets.
 */
function failure(error: string | null, prefix?: string): string {
  if (!error) return "";
  let reason = error;
  if (prefix && reason.startsWith(prefix)) reason = reason.slice(prefix.length);
  const gaveUp = /^(.*) \(gave up after (\d+) attempts\)$/s.exec(reason);
  return gaveUp ? ` after ${gaveUp[2]} attempts (${gaveUp[1]})` : ` (${reason})`;
}

/** Explains `events[index]`, using the events before it for context; "" when there is no such event. */
export function why(outline: SagaOutline, events: readonly LogEvent[], index: number): string {
  const event = events[index];
  if (!event) return "";
  const earlier = distinct(events.slice(0, index)).filter((e) => e.id < event.id);
  const before = replay(outline, earlier);
  const after = replay(outline, [...earlier, event]);
  const subject = outline.subject;

  if (event.phase === "saga") {
    const previous = [...earlier].reverse().find((e) => e.phase === "saga")?.outcome;
    switch (event.outcome) {
      case "pending":
        return `The ${subject} and its saga were recorded before anything ran, so a crash from here on loses nothing.`;
      case "processing": {
        const first = outline.steps[0];
        return first ? `The saga starts with its first step, ${humanize(first.name)}.` : "The saga starts, with no steps to run.";
      }
      case "compensating": {
        if (previous === "compensation_failed") {
          const next = nextToCompensate(outline, before);
          if (!next) return "An operator retried the saga: it goes back to compensating, with nothing left to undo.";
          const first = humanize(hasUndo(next.compensation) ? next.compensation : next.name);
          return `An operator retried the saga: it goes back to compensating, starting again with ${first}.`;
        }
        const completed = outline.steps.filter((_, position) => before.steps[position].status === "completed");
        const doubtful = outline.steps.find((_, position) => before.steps[position].actionFailed && undoneLater(events, event, position));
        if (doubtful) {
          const rest = completed.some((done) => hasUndo(done.compensation)) ? ", then each completed step, the most recent first" : "";
          return `The saga turns back: ${humanize(doubtful.name)}, which may have taken effect, is compensated first${rest}.`;
        }
        if (completed.length === 0) return "The saga turns back, but no step had completed, so there is nothing to undo.";
        if (completed.some((done) => hasUndo(done.compensation))) {
          return "The saga turns back: each completed step is compensated, the most recent first.";
        }
        const which =
          completed.length === 1 ? `${humanize(completed[0].name)}, the only step that had completed,` : "the steps that had completed";
        return `The saga turns back, but ${which} changed nothing, so there is nothing to undo.`;
      }
      case "completed":
        return `Every step completed: the ${subject} is done.`;
      case "failed": {
        const compensated = outline.steps.filter((_, position) => before.steps[position].status === "compensated");
        if (compensated.some((step) => hasUndo(step.compensation)))
          return `Every completed step was undone: the ${subject} failed and left nothing behind.`;
        return compensated.length > 0
          ? `Nothing needed undoing, since the steps that had completed changed nothing: the ${subject} failed and left nothing behind.`
          : `No step had completed, so the ${subject} failed and left nothing behind.`;
      }
      case "compensation_failed": {
        const stuck = outline.steps.find((_, position) => after.steps[position].status === "compensation_failed");
        const what = stuck ? `${humanize(stuck.compensation)} could not undo ${humanize(stuck.name)}` : "a compensation gave up";
        return `The saga is stuck: ${what}, and nothing more happens until an operator retries it.`;
      }
      default:
        return `The saga is now ${event.outcome.replace(/_/g, " ")}.`;
    }
  }

  const position = event.position;
  const step = position === null ? undefined : outline.steps[position];
  if (position === null || !step) return `${humanize(event.step ?? "A step")}: ${event.outcome.replace(/_/g, " ")}.`;
  const name = humanize(step.name);
  const undo = humanize(step.compensation);
  // This step's earlier events of the same phase: how many attempts came before, and how the last one ended.
  const mine = earlier.filter((e) => e.position === position && e.phase === event.phase);
  const last = mine[mine.length - 1]?.outcome;

  if (event.phase === "action") {
    switch (event.outcome) {
      case "running": {
        const attempt = mine.filter((e) => e.outcome === "running").length + 1;
        if (attempt > 1) {
          return last === "retrying"
            ? `${name} runs again (attempt ${attempt}): the last attempt failed for a passing reason.`
            : `${name} runs again (attempt ${attempt}): ` +
                "the last attempt was cut off before it recorded an outcome, and the step is safe to repeat.";
        }
        const previous = outline.steps[position - 1];
        return previous ? `${name} runs now that ${humanize(previous.name)} has completed.` : `${name} runs first.`;
      }
      case "completed": {
        const next = outline.steps[position + 1];
        return next ? `${name} completed; next comes ${humanize(next.name)}.` : `${name} completed: that was the last step.`;
      }
      case "retrying":
        return `${name} failed for a passing reason${failure(event.error)}, so it is tried again after a short wait.`;
      case "failed": {
        const completed = outline.steps.filter((_, i) => before.steps[i].status === "completed").reverse();
        const because = `${name} failed${failure(event.error)}`;
        // Failed in doubt (lib/saga/run.ts): the log shows its undoing, which comes first.
        if (undoneLater(events, event, position)) {
          const then = completed.find((done) => hasUndo(done.compensation));
          return (
            `${because}, and one of its requests may have reached its service: ${undo} is sent first, to be sure` +
            `${then ? `, then the completed steps are undone in reverse order, ${humanize(then.compensation)} next` : ""}.`
          );
        }
        if (completed.length === 0) return `${because}; no step had completed, so nothing needs undoing.`;
        // The most recent completed step is compensated first; one that changed nothing has nothing to undo.
        const first = completed.find((done) => hasUndo(done.compensation));
        if (first) return `${because}, so the completed steps are undone in reverse order: ${humanize(first.compensation)} first.`;
        return completed.length === 1
          ? `${because}; ${humanize(completed[0].name)}, the only step that had completed, changed nothing, so nothing needs undoing.`
          : `${because}; the steps that had completed changed nothing, so nothing needs undoing.`;
      }
      default:
        return `${name}: ${event.outcome.replace(/_/g, " ")}.`;
    }
  }

  if (event.phase === "compensation") {
    switch (event.outcome) {
      case "compensating": {
        const attempt = mine.filter((e) => e.outcome === "compensating").length + 1;
        if (attempt > 1) {
          if (last === "retrying") return `${undo} runs again (attempt ${attempt}): the last attempt failed for a passing reason.`;
          if (last === "compensation_failed") return `${undo} runs again (attempt ${attempt}): an operator retried the saga.`;
          return (
            `${undo} runs again (attempt ${attempt}): the last attempt was cut off before it recorded an outcome, ` +
            "and it is safe to repeat."
          );
        }
        if (before.steps[position].actionFailed) {
          return (
            `${name} gave up without an answer it could trust, so its service may have done it all the same: ` +
            `${undo} is sent to be sure (a service that never had it answers that there is nothing to undo, and refuses it if it comes late).`
          );
        }
        return hasUndo(step.compensation) ? `${undo} undoes ${name}.` : `${name} is compensated too, though it changed nothing.`;
      }
      case "compensated": {
        const done = hasUndo(step.compensation) ? `${undo} undid ${name}` : `${name} changed nothing, so there is nothing to undo`;
        const next = nextToCompensate(outline, after);
        if (!next) return hasUndo(step.compensation) ? `${done}; nothing else is left to undo.` : `${done}.`;
        return hasUndo(next.compensation)
          ? `${done}; next: ${humanize(next.compensation)}.`
          : `${done}; next: ${humanize(next.name)}, which changed nothing.`;
      }
      case "retrying":
        return `${undo} failed for a passing reason${failure(event.error)}, so it is tried again after a short wait.`;
      case "compensation_failed": {
        const reason = failure(event.error, `${step.compensation} failed: `);
        return `${undo} gave up${reason}: the saga stops here and needs an operator, who can retry it.`;
      }
      default:
        return `${undo}: ${event.outcome.replace(/_/g, " ")}.`;
    }
  }
  return `${name}: ${event.outcome.replace(/_/g, " ")}.`;
}

/** "A", "A and B", "A, B and C". */
function listed(names: string[]): string {
  return names.length <= 1 ? (names[0] ?? "") : `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`;
}

/** "655 ms", "2.10 s", "3 min 5 s": how long the run took from its first event to its last. */
function lasted(events: readonly LogEvent[]): string {
  const times = events.map((event) => Date.parse(event.created_at)).filter((time) => !Number.isNaN(time));
  if (times.length === 0) return "";
  const ms = Math.max(0, Math.max(...times) - Math.min(...times));
  if (ms < 1_000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1_000).toFixed(2)} s`;
  const seconds = Math.floor(ms / 1_000);
  return seconds < 3_600
    ? `${Math.floor(seconds / 60)} min ${seconds % 60} s`
    : `${Math.floor(seconds / 3_600)} h ${Math.floor((seconds % 3_600) / 60)} min`;
}

/** The compensations that ran to the end, in the order they ran, split into those that undid something and those with nothing to undo. */
function compensations(outline: SagaOutline, state: SagaState) {
  const ran = outline.steps
    .map((step, position) => ({ step, state: state.steps[position] }))
    .filter(({ state }) => state.status === "compensated")
    .sort((a, b) => (a.state.compensatedAt ?? "").localeCompare(b.state.compensatedAt ?? ""))
    .map(({ step }) => step);
  return { undid: ran.filter((step) => hasUndo(step.compensation)), nothing: ran.filter((step) => !hasUndo(step.compensation)) };
}

/**
 * The whole run in one sentence, for the top of its story: how it ended, where it failed and why, what
 * was undone and what had nothing to undo, and how long it took; or, for a run still going, where it is.
 */
export function runHeadline(outline: SagaOutline, events: readonly LogEvent[]): string {
  const log = distinct(events);
  if (log.length === 0) return "";
  const state = replay(outline, log);
  const took = lasted(log);
  const failedAt = outline.steps.find((_, position) => state.steps[position].actionFailed);
  const failedStep = failedAt ? state.steps[outline.steps.indexOf(failedAt)] : undefined;
  const where = failedAt ? `${humanize(failedAt.name)}${failure(failedStep?.actionError ?? null)}` : "";
  const { undid, nothing } = compensations(outline, state);
  const unchanged = nothing.map((step) => humanize(step.name));

  switch (state.status) {
    case "pending":
      return `Recorded, and waiting to start its first step.`;
    case "processing": {
      const position = state.steps.findIndex((step) => step.status === "running");
      if (position < 0) return "Running its steps in order.";
      const attempt = state.steps[position].attempts;
      return `Running ${humanize(outline.steps[position].name)}, step ${position + 1} of ${outline.steps.length}${attempt > 1 ? ` (attempt ${attempt})` : ""}.`;
    }
    case "completed": {
      const retried = outline.steps.filter((_, position) => state.steps[position].attempts > 1).map((step) => humanize(step.name));
      const steps = outline.steps.length === 1 ? "its one step" : `all ${outline.steps.length} steps`;
      return `Completed in ${took}: ${steps} succeeded${retried.length ? `, ${listed(retried)} after a retry` : ""}.`;
    }
    case "compensating": {
      const undoing = outline.steps.find((_, position) => state.steps[position].status === "compensating");
      const now = undoing
        ? hasUndo(undoing.compensation)
          ? `now ${humanize(undoing.compensation)}`
          : `now ${humanize(undoing.name)}, which has nothing to undo`
        : "";
      return `Turning back after ${where || "a failure"}: undoing the completed steps, most recent first${now ? `; ${now}` : ""}.`;
    }
    case "failed": {
      const head = `Failed in ${took}${failedAt ? ` at ${where}` : ""}`;
      if (undid.length > 0) {
        const rest = unchanged.length ? `; ${listed(unchanged)} had nothing to undo` : "";
        // A step that failed in doubt is undone too (lib/saga/run.ts), first.
        const itToo = failedStep?.status === "compensated" ? "it, in case it had taken effect, and " : "";
        return `${head}: ${listed(undid.map((step) => humanize(step.compensation)))} undid ${itToo}the earlier steps, most recent first${rest}.`;
      }
      if (unchanged.length > 0) return `${head}: nothing was undone, since ${listed(unchanged)} had changed nothing.`;
      return `${head}: no step had completed, so nothing was undone.`;
    }
    case "compensation_failed": {
      const stuck = outline.steps.find((_, position) => state.steps[position].status === "compensation_failed");
      const stuckState = stuck ? state.steps[outline.steps.indexOf(stuck)] : undefined;
      const gaveUp = stuck
        ? `${humanize(stuck.compensation)} gave up${failure(stuckState?.error ?? null, `${stuck.compensation} failed: `)}`
        : "a compensation gave up";
      return `Stuck after ${took}: ${failedAt ? `${where} failed, then ` : ""}${gaveUp}; it waits for an operator to retry it.`;
    }
  }
}

/**
 * The dashboard's line on the way back: what the compensations are doing, and once the saga has failed,
 * what they actually undid. A step that changed nothing is passed through, but never counted as undone.
 */
export function rollbackLine(state: SagaState): string | null {
  const changed = (step: SagaState["steps"][number]) => hasUndo(step.compensation);
  if (state.status === "compensating") {
    const ahead = state.steps.some(
      (step) => changed(step) && (step.status === "completed" || step.status === "compensating" || step.status === "compensated"),
    );
    return ahead ? "Undoing completed steps, in reverse order" : "Turning back: nothing to undo";
  }
  if (state.status !== "failed") return null;
  const compensated = state.steps
    .filter((step) => step.status === "compensated")
    .sort((a, b) => (a.compensatedAt ?? "").localeCompare(b.compensatedAt ?? ""));
  const undone = compensated.filter(changed).map((step) => humanize(step.compensation));
  if (undone.length === 1) return `Undone: ${undone[0]}`;
  if (undone.length > 1) return `Undone, in reverse order: ${undone.join(", then ")}`;
  const unchanged = compensated.map((step) => humanize(step.name));
  if (unchanged.length > 0) return `Nothing was undone: ${listed(unchanged)} had changed nothing`;
  return "No step had completed: nothing to undo";
}
