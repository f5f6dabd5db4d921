"use client";
/**
 * One saga run on a shared time axis: a row per step (a bar per attempt) and a row per compensation,
 * in the order they ran. Compensations are amber and fill from the right, so the reverse direction is
 * visible before the label is read; one that undoes nothing is greyed out, without a time. The axis
 * spans the whole run, also while a replay shows an earlier event; open bars grow while a live saga runs.
 */
import { useEffect, useMemo, useState } from "react";
import { ganttChart, ganttWindow, tickStep, type BarStatus, type GanttBar, type GanttRow } from "@/lib/view/gantt";
import type { SagaOutline } from "@/lib/view/outline";
import type { LogEvent } from "@/lib/view/replay";

const barTone: Record<BarStatus, string> = {
  running: "bg-sky-500 motion-safe:animate-pulse",
  completed: "bg-emerald-500 dark:bg-emerald-400",
  failed: "bg-red-500 dark:bg-red-400",
  interrupted: "bg-slate-400 dark:bg-slate-500",
  // A failed attempt that was retried: striped red, lighter than a final failure.
  retried: "bg-[repeating-linear-gradient(45deg,var(--color-red-300)_0_4px,var(--color-red-500)_4px_8px)]",
  compensation_failed: "bg-orange-600 ring-2 ring-orange-300",
  compensating:
    "border-2 border-dashed border-amber-600 bg-gradient-to-l from-amber-400 to-amber-200 motion-safe:animate-pulse dark:from-amber-500 dark:to-amber-700",
  compensated: "bg-gradient-to-l from-amber-500 to-amber-300 dark:from-amber-400 dark:to-amber-600",
};

function ms(value: number): string {
  return value < 1000 ? `${Math.round(value)} ms` : `${(value / 1000).toFixed(2)} s`;
}

/** The clock that open bars grow with; it runs only while asked to. */
function useNow(running: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!running) return;
    // eslint-disable-next-line react-hooks/set-state-in-effect -- the clock is outside React: read it as it starts, then on each tick
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 100);
    return () => clearInterval(timer);
  }, [running]);
  return now;
}

/**
 * `events`: the events shown (up to the replay's cursor); `all`: every event of the run known so far,
 * which sets the axis; `live`: the run is followed as it happens, so an unfinished one runs to "now".
 */
export function SagaGantt({
  outline,
  events,
  all = events,
  live = false,
}: {
  outline: SagaOutline;
  events: LogEvent[];
  all?: LogEvent[];
  live?: boolean;
}) {
  const chart = useMemo(() => ganttChart(outline, events), [outline, events]);
  const following = events.length === all.length;
  const finished = useMemo(() => ganttChart(outline, all).endMs !== null, [outline, all]);
  const ticking = live && following && all.length > 0 && !finished;
  const now = useNow(ticking);
  const axis = ganttWindow(events, all, ticking ? now : null);

  if (chart.originMs === null || axis === null) {
    return <p className="text-sm text-slate-500 dark:text-slate-400">Waiting for the saga&apos;s first event…</p>;
  }
  const { originMs: origin, endMs: end, shownMs: shownAt } = axis;
  const span = Math.max(end - origin, 1);
  const step = tickStep(span);
  const ticks = Array.from({ length: Math.floor(span / step) + 1 }, (_, i) => i * step);
  const at = (time: number) => `${(Math.min(Math.max(time - origin, 0), span) / span) * 100}%`;

  return (
    <div className="text-sm">
      <ol className="space-y-2" aria-label="Steps and compensations on a time axis">
        {chart.rows.map((row) => (
          <GanttRowView key={`${row.kind}-${row.position}`} row={row} origin={origin} end={shownAt} at={at} />
        ))}
      </ol>
      {/* The axis, aligned with the bars' track. */}
      <div aria-hidden className="mt-2 grid grid-cols-[minmax(0,9rem)_1fr] gap-3 sm:grid-cols-[minmax(0,14rem)_1fr]">
        <span className="text-right text-xs text-slate-500 dark:text-slate-400">since start</span>
        <div className="relative h-5 border-t border-slate-300 dark:border-slate-700">
          {ticks.map((tick, i) => (
            <span
              key={tick}
              data-testid="gantt-tick"
              // Every other tick on a phone, where the labels would otherwise run into each other.
              className={`absolute top-0 -translate-x-1/2 whitespace-nowrap pt-1 text-[11px] tabular-nums text-slate-500 first:translate-x-0 dark:text-slate-400 ${
                i % 2 === 1 ? "max-sm:hidden" : ""
              }`}
              style={{ left: `${(tick / span) * 100}%` }}
            >
              {ms(tick)}
            </span>
          ))}
        </div>
      </div>
    </div>
  );
}

function GanttRowView({ row, origin, end, at }: { row: GanttRow; origin: number; end: number; at: (time: number) => string }) {
  const compensation = row.kind === "compensation";
  const noop = compensation && row.noop;
  const last = row.bars[row.bars.length - 1];
  const error = row.bars.find((bar) => bar.error)?.error ?? null;
  const attempts = row.bars.length;
  return (
    <li
      data-testid="gantt-row"
      data-kind={row.kind}
      data-step={row.step}
      data-status={last?.status ?? "pending"}
      data-noop={noop ? "true" : undefined}
      className="grid grid-cols-[minmax(0,9rem)_1fr] items-center gap-3 sm:grid-cols-[minmax(0,14rem)_1fr]"
    >
      <div className="min-w-0 text-right">
        <p
          className={`wrap-anywhere font-mono text-xs sm:truncate sm:text-sm ${noop ? "text-slate-400 dark:text-slate-500" : compensation ? "text-amber-800 dark:text-amber-300" : ""}`}
          title={row.name}
        >
          {compensation && <span aria-hidden>↩ </span>}
          {row.name}
        </p>
        <p className="text-xs text-slate-500 wrap-anywhere sm:truncate dark:text-slate-400">
          {compensation ? `compensation of ${row.step}` : attempts === 0 ? "not reached" : `${attempts} attempt${attempts > 1 ? "s" : ""}`}
        </p>
        {error && (
          <p
            className="text-xs font-medium text-red-700 wrap-anywhere sm:truncate dark:text-red-300"
            title={error}
            data-testid="step-error"
          >
            {error}
          </p>
        )}
      </div>
      <div
        className={`relative h-7 rounded ${noop ? "bg-slate-50 dark:bg-slate-800/30" : compensation ? "bg-amber-50 dark:bg-amber-950/40" : "bg-slate-100 dark:bg-slate-800/60"}`}
      >
        {row.bars.map((bar) =>
          noop ? (
            <NothingToUndo key={bar.attempt} bar={bar} row={row} at={at} />
          ) : (
            <Bar key={bar.attempt} bar={bar} row={row} origin={origin} end={end} at={at} />
          ),
        )}
      </div>
    </li>
  );
}

function Bar({ bar, row, origin, end, at }: { bar: GanttBar; row: GanttRow; origin: number; end: number; at: (time: number) => string }) {
  const stop = bar.endMs ?? end;
  const took = ms(Math.max(stop - bar.startMs, 0));
  const startedAt = ms(Math.max(bar.startMs - origin, 0));
  const what = row.kind === "compensation" ? `${row.name}, compensation of ${row.step}` : `${row.name}, attempt ${bar.attempt}`;
  const description = `${what}: ${bar.status}, started at +${startedAt}, ${bar.endMs === null ? "running for" : "took"} ${took}${bar.error ? `, ${bar.error}` : ""}`;
  const left = at(bar.startMs);
  const right = at(stop);
  // The duration goes beside the bar, on the side with room for it (left of bars near the end).
  const labelLeft = parseFloat(right) > 78;
  return (
    <div
      data-testid="gantt-bar"
      data-kind={row.kind}
      data-status={bar.status}
      className="absolute inset-y-1 flex items-center"
      style={{ left, right: `calc(100% - ${right})` }}
    >
      <div className={`h-full min-w-[3px] flex-1 rounded-sm ${barTone[bar.status]}`} title={description} />
      <span className="sr-only">{description}</span>
      <span
        aria-hidden
        className={`absolute whitespace-nowrap px-1 text-[11px] tabular-nums text-slate-600 dark:text-slate-300 ${labelLeft ? "right-full" : "left-full"}`}
      >
        {row.kind === "compensation" && "← "}
        {took}
      </span>
    </div>
  );
}

/**
 * A compensation that undoes nothing: a grey mark where the saga passed through it, and no time. The
 * engine spends a moment on it, but that moment is no work, and a bar with a duration would say it was.
 */
function NothingToUndo({ bar, row, at }: { bar: GanttBar; row: GanttRow; at: (time: number) => string }) {
  const left = at(bar.startMs);
  const labelLeft = parseFloat(left) > 60;
  return (
    <div
      data-testid="gantt-bar"
      data-kind={row.kind}
      data-status={bar.status}
      data-noop="true"
      className="absolute inset-y-1 flex items-center"
      style={{ left }}
    >
      <div aria-hidden className="h-full w-0.5 rounded-sm bg-slate-300 dark:bg-slate-600" />
      <span className="sr-only">{`${row.name}, compensation of ${row.step}: nothing to undo`}</span>
      <span
        aria-hidden
        data-testid="gantt-noop"
        className={`absolute whitespace-nowrap px-1 text-[11px] italic text-slate-500 dark:text-slate-400 ${labelLeft ? "right-full" : "left-full"}`}
      >
        nothing to undo
      </span>
    </div>
  );
}
