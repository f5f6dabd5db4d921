/**
 * A saga run as Gantt rows, straight from its event log: one row per step (a bar per attempt) and one
 * row per compensation that ran, in the order it ran (the reverse of the steps). Pure and client-safe;
 * the timeline page draws it and grows the open bars while the saga runs.
 */
import { hasUndo, type SagaOutline } from "./outline";
import type { LogEvent } from "./replay";

/**
 * `interrupted`: an attempt that never recorded an outcome (the process stopped and a resume retried it);
 * `retried`: an attempt that failed transiently and was tried again.
 */
export type BarStatus =
  "running" | "completed" | "failed" | "retried" | "interrupted" | "compensating" | "compensated" | "compensation_failed";

export interface GanttBar {
  startMs: number;
  /** null while the action or compensation is still running. */
  endMs: number | null;
  status: BarStatus;
  attempt: number;
  error: string | null;
}

export interface GanttRow {
  kind: "action" | "compensation";
  position: number;
  step: string;
  /** The step's name, or its compensation's for a compensation row. */
  name: string;
  /**
   * A compensation that undoes nothing (`no_compensation`): the engine still passes through it, but
   * the time it takes is no work, so it is drawn greyed out, as "nothing to undo", without a duration.
   */
  noop: boolean;
  bars: GanttBar[];
}

export interface GanttChart {
  /** The first event's time: where the axis starts. */
  originMs: number | null;
  /** The saga's final event's time, or null while it is in flight. */
  endMs: number | null;
  rows: GanttRow[];
}

export function ganttChart(outline: SagaOutline, events: readonly LogEvent[]): GanttChart {
  const actions: GanttRow[] = outline.steps.map((step, position) => ({
    kind: "action",
    position,
    step: step.name,
    name: step.name,
    noop: false,
    bars: [],
  }));
  const compensations = new Map<number, GanttRow>();
  let originMs: number | null = null;
  let endMs: number | null = null;
  let lastId = 0;

  const open = (row: GanttRow) => row.bars.find((bar) => bar.endMs === null);
  const start = (row: GanttRow, at: number, status: BarStatus) => {
    const stale = open(row);
    if (stale) Object.assign(stale, { endMs: at, status: "interrupted" });
    row.bars.push({ startMs: at, endMs: null, status, attempt: row.bars.length + 1, error: null });
  };
  const finish = (row: GanttRow, at: number, status: BarStatus, error: string | null) => {
    const bar = open(row) ?? { startMs: at, endMs: null, status, attempt: row.bars.length + 1, error: null };
    if (!row.bars.includes(bar)) row.bars.push(bar);
    Object.assign(bar, { endMs: at, status, error });
  };

  for (const event of events) {
    // A stream may deliver an event twice around a reconnect; the log is ordered by id.
    if (event.id <= lastId) continue;
    lastId = event.id;
    const at = Date.parse(event.created_at);
    originMs ??= at;
    if (event.phase === "saga") {
      endMs = event.outcome === "completed" || event.outcome === "failed" || event.outcome === "compensation_failed" ? at : null;
      continue;
    }
    const position = event.position;
    if (position === null || !outline.steps[position]) continue;
    if (event.phase === "action") {
      const row = actions[position];
      if (event.outcome === "running") start(row, at, "running");
      else if (event.outcome === "completed" || event.outcome === "failed") finish(row, at, event.outcome, event.error);
      else if (event.outcome === "retrying") finish(row, at, "retried", event.error);
    } else if (event.phase === "compensation") {
      let row = compensations.get(position);
      if (!row) {
        const step = outline.steps[position];
        row = { kind: "compensation", position, step: step.name, name: step.compensation, noop: !hasUndo(step.compensation), bars: [] };
        compensations.set(position, row);
      }
      if (event.outcome === "compensating") start(row, at, "compensating");
      else if (event.outcome === "compensated" || event.outcome === "compensation_failed") finish(row, at, event.outcome, event.error);
      else if (event.outcome === "retrying") finish(row, at, "retried", event.error);
    }
  }
  return { originMs, endMs, rows: [...actions, ...compensations.values()] };
}

/** A round step for axis ticks (1, 2 or 5 times a power of ten) giving about `count` ticks over `span`. */
export function tickStep(spanMs: number, count = 5): number {
  const raw = Math.max(spanMs, 1) / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * power).find((step) => step >= raw) ?? raw;
}

const isFinal = (outcome: string) => outcome === "completed" || outcome === "failed" || outcome === "compensation_failed";

/** Where the time axis runs, and the moment the chart shows. */
export interface GanttWindow {
  /** The run's first event: 0 on the axis. */
  originMs: number;
  /** The axis's end. */
  endMs: number;
  /** The moment shown: bars still open at that moment stop here. */
  shownMs: number;
}

/**
 * The time axis for `shown`, the events up to the one a replay shows, out of `all` the run's events
 * known. The axis always spans the run as far as it is known, so a replay draws every event on the
 * scale of the whole run (its last event ends the axis whatever event is shown), and a bar open at the
 * event shown stops there. Only a run followed live and still in flight runs on to `now`, with its open
 * bars growing; `now` is null where no clock applies (an imported run). Null before the first event.
 */
export function ganttWindow(shown: readonly LogEvent[], all: readonly LogEvent[], now: number | null): GanttWindow | null {
  const first = all[0] ?? shown[0];
  if (!first) return null;
  const originMs = Date.parse(first.created_at);
  const latest = (events: readonly LogEvent[]) => events.reduce((max, event) => Math.max(max, Date.parse(event.created_at)), originMs);
  const lastMs = latest(all);
  const lastShown = shown[shown.length - 1];
  const lastAll = all[all.length - 1];
  const replaying = lastShown !== undefined && lastAll !== undefined && lastShown.id < lastAll.id;
  const finalSaga = [...all].reverse().find((event) => event.phase === "saga");
  const ended = finalSaga !== undefined && isFinal(finalSaga.outcome);
  // The clock may trail the server's timestamps by a little; the axis never ends before an event.
  const endMs = ended || replaying || now === null ? lastMs : Math.max(now, lastMs);
  return { originMs, endMs, shownMs: replaying ? latest(shown) : endMs };
}
