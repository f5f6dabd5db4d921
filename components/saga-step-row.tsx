import { readableError } from "@/lib/client/format";
import { hasUndo, humanize } from "@/lib/view/outline";
import type { StepState } from "@/lib/view/replay";
import type { StepStatus } from "@/lib/saga/status";
import { OrderStatusBadge } from "./order-status-badge";

const undoing = (status: StepStatus) => status === "compensating" || status === "compensated";

/**
 * A step whose compensation undoes nothing (`no_compensation`), as the saga passes back through it: it
 * is drawn greyed out, "nothing to undo", rather than in the amber of a compensation that did something.
 */
const passedThrough = (step: StepState) => undoing(step.status) && !hasUndo(step.compensation);

/**
 * One step of the live timeline. Every row has the same fixed height and reserves its lines (the
 * compensation's name, the error), so nothing below moves as statuses change. A forward step's bar runs
 * left to right; a compensation's runs right to left in amber, and its connector points up.
 */
export function SagaStepRow({ step, index, next }: { step: StepState; index: number; next: StepState | undefined }) {
  // The compensation reached this step from the one below it: draw the connector as an upward arrow.
  const flowsUp = next !== undefined && undoing(step.status) && (next.status === "failed" || undoing(next.status));
  const noop = passedThrough(step);
  return (
    <li data-testid={`step-${step.name}`} data-status={step.status} data-noop={noop ? "true" : undefined} className="flex h-24 gap-3">
      <div className="flex w-8 shrink-0 flex-col items-center">
        <StepMarker status={step.status} index={index} noop={noop} />
        {next && (
          <div
            aria-hidden
            className={`relative mt-1 w-0.5 flex-1 rounded ${flowsUp && noop ? "bg-slate-300 dark:bg-slate-600" : flowsUp ? "bg-amber-400 dark:bg-amber-500" : step.status === "completed" ? "bg-emerald-400 dark:bg-emerald-600" : "bg-slate-200 dark:bg-slate-700"}`}
          >
            {flowsUp && (
              <span
                className={`absolute left-1/2 top-1/2 -translate-x-1/2 -translate-y-1/2 rounded-full px-1 text-xs font-bold leading-4 ${
                  noop
                    ? "bg-slate-200 text-slate-600 dark:bg-slate-700 dark:text-slate-300"
                    : "bg-amber-400 text-amber-950 dark:bg-amber-500"
                }`}
              >
                <span className="inline-block motion-safe:animate-rise">↑</span>
              </span>
            )}
          </div>
        )}
      </div>
      <div className="min-w-0 flex-1 pb-2">
        <div className="flex items-center justify-between gap-2">
          <p className="truncate text-sm font-semibold sm:text-base">{humanize(step.name)}</p>
          {noop ? <NothingToUndoBadge /> : <OrderStatusBadge status={step.status} />}
        </div>
        <CompensationLine step={step} />
        <StepBar status={step.status} noop={noop} />
        <StepNote step={step} />
      </div>
    </li>
  );
}

/** In place of "Compensated": grey, at least as wide as every status pill (its words need a little more). */
function NothingToUndoBadge() {
  return (
    <span
      data-testid="nothing-to-undo"
      className="inline-flex min-w-[6.25rem] shrink-0 justify-center rounded-full bg-slate-100 px-2 py-0.5 text-[11px] font-semibold whitespace-nowrap text-slate-500 ring-1 ring-inset ring-slate-300 sm:min-w-28 sm:text-xs dark:bg-slate-800 dark:text-slate-400 dark:ring-slate-600"
    >
      Nothing to undo
    </span>
  );
}

function StepMarker({ status, index, noop }: { status: StepStatus; index: number; noop: boolean }) {
  const looks: Record<StepStatus, string> = {
    pending: "border-slate-300 bg-white text-slate-500 dark:border-slate-600 dark:bg-slate-900 dark:text-slate-400",
    running: "border-sky-500 bg-sky-50 text-sky-700 motion-safe:animate-pulse dark:bg-sky-950 dark:text-sky-200",
    completed: "border-emerald-500 bg-emerald-500 text-white",
    failed: "border-red-500 bg-red-500 text-white",
    compensating: "border-amber-500 bg-amber-100 text-amber-900 dark:bg-amber-900 dark:text-amber-100",
    compensated: "border-amber-500 bg-amber-500 text-white dark:text-amber-950",
    compensation_failed: "border-orange-600 bg-orange-500 text-white",
  };
  const icon: Record<StepStatus, string> = {
    pending: String(index + 1),
    running: String(index + 1),
    completed: "✓",
    failed: "✕",
    compensating: "↺",
    compensated: "↩",
    compensation_failed: "!",
  };
  return (
    <span
      aria-hidden
      className={`flex size-8 shrink-0 items-center justify-center rounded-full border-2 text-sm font-bold ${
        noop ? "border-slate-300 bg-slate-100 text-slate-500 dark:border-slate-600 dark:bg-slate-800 dark:text-slate-400" : looks[status]
      }`}
    >
      {noop ? "–" : icon[status]}
    </span>
  );
}

function CompensationLine({ step }: { step: StepState }) {
  const name = humanize(step.compensation);
  if (step.status === "compensation_failed")
    return (
      <p className="truncate text-sm font-semibold text-orange-700 dark:text-orange-300">
        <span aria-hidden className="mr-1">
          !
        </span>
        {name} failed · waiting for an operator
      </p>
    );
  const undoes = hasUndo(step.compensation);
  if (undoing(step.status) && !undoes)
    return (
      <p data-testid={`step-${step.name}-undo`} className="truncate text-sm text-slate-500 dark:text-slate-400">
        <span aria-hidden className="mr-1">
          ↩
        </span>
        Nothing to undo
      </p>
    );
  if (step.status === "compensating")
    return (
      <p data-testid={`step-${step.name}-undo`} className="truncate text-sm font-semibold text-amber-700 dark:text-amber-300">
        <span aria-hidden className="mr-1 inline-block motion-safe:animate-rise">
          ↑
        </span>
        {undoes ? `${name}…` : "Nothing to undo"}
      </p>
    );
  if (step.status === "compensated")
    return (
      <p data-testid={`step-${step.name}-undo`} className="truncate text-sm font-semibold text-amber-700 dark:text-amber-300">
        <span aria-hidden className="mr-1">
          ↩
        </span>
        {undoes ? (
          <>
            {name} <span className="font-normal">· undone</span>
          </>
        ) : (
          "Nothing to undo"
        )}
      </p>
    );
  return (
    <p data-testid={`step-${step.name}-undo`} className="truncate text-sm text-slate-500 dark:text-slate-400">
      {/* The step's code name only where there is room: on a phone the title above already names it. */}
      <span className="hidden sm:inline">
        <span className="font-mono text-xs">{step.name}</span> ·{" "}
      </span>
      {undoes ? `undo: ${name}` : "nothing to undo"}
    </p>
  );
}

function StepBar({ status, noop }: { status: StepStatus; noop: boolean }) {
  const fill: Record<StepStatus, string | null> = {
    pending: null,
    running: "w-2/5 bg-sky-500 motion-safe:animate-progress-forward motion-reduce:w-1/2",
    completed: "w-full bg-emerald-500",
    failed: "w-full bg-red-500",
    // Anchored right when motion is reduced: still reads as "going back" without moving.
    compensating:
      "w-2/5 bg-amber-500 motion-safe:animate-progress-reverse motion-reduce:left-auto motion-reduce:right-0 motion-reduce:w-1/2",
    compensated: "w-full bg-amber-400 dark:bg-amber-500",
    compensation_failed: "w-full bg-orange-600",
  };
  // Nothing to undo: grey, for a step the saga passed back through without doing anything.
  const classes = noop ? "w-full bg-slate-300 dark:bg-slate-600" : fill[status];
  return (
    <div className="relative mt-2 h-2 overflow-hidden rounded-full bg-slate-200 dark:bg-slate-800">
      {classes && <span className={`absolute inset-y-0 left-0 rounded-full ${classes}`} />}
    </div>
  );
}

function StepNote({ step }: { step: StepState }) {
  let note: string | null = null;
  let tone = "text-slate-500 dark:text-slate-400";
  if (step.status === "failed") {
    note = step.error ? readableError(step.error) : "Failed";
    tone = "font-medium text-red-700 dark:text-red-300";
  } else if (step.status === "compensation_failed") {
    note = step.error ? readableError(step.error) : "Compensation failed";
    tone = "font-medium text-orange-700 dark:text-orange-300";
  } else if (passedThrough(step)) {
    // The line above already says there is nothing to undo; the note stays empty, as for a step not reached.
    note = null;
  } else if (step.status === "compensating") {
    // A failed compensation attempt is being retried: say so, with why.
    note =
      step.compensationAttempts > 1 && step.error
        ? `Retrying the compensation (attempt ${step.compensationAttempts}) after: ${step.error}`
        : "Compensating, in reverse order";
    tone = "text-amber-700 dark:text-amber-300";
  } else if (step.status === "running") {
    note = step.attempts > 1 ? `Running, attempt ${step.attempts}${step.error ? ` · retrying after: ${step.error}` : ""}` : "Running…";
  } else if (step.attempts > 1) {
    note = `${step.attempts} attempts`;
  }
  return (
    <p data-testid={`step-${step.name}-note`} className={`mt-1 h-5 truncate text-sm ${tone}`} title={note ?? undefined}>
      {step.status === "failed" && <span aria-hidden>✕ </span>}
      {note}
    </p>
  );
}
