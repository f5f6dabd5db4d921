"use client";
import Link from "next/link";
import type { ReactNode, Ref } from "react";
import type { CreateOrderRequest } from "@/lib/api/schemas";
import { formatDollars, shortId } from "@/lib/client/format";
import { useSagaPause, useSagaStream, type SagaPause } from "@/lib/client/hooks";
import { hasUndo, humanize, type SagaOutline } from "@/lib/view/outline";
import type { LogEvent, SagaState } from "@/lib/view/replay";
import { pauseTarget } from "@/lib/view/pause";
import { rollbackLine } from "@/lib/view/why";
import { RetrySagaButton } from "./retry-saga-button";
import { ContinueButton, PauseText } from "./saga-pause";
import { SagaStatusBadge, type LiveSagaStatus } from "./saga-status-badge";
import { SagaStepRow } from "./saga-step-row";

export interface PlacedOrder {
  orderId: string;
  sagaId: string;
  order: CreateOrderRequest;
}

/**
 * The live timeline of the order just placed, folded from its saga's event stream. It is on screen
 * before any order (every step pending) so that placing one changes what it shows, not the layout.
 */
export function SagaTimeline({
  outline,
  placed,
  starting,
  stepping,
  onStepping,
  money,
  ref,
}: {
  outline: SagaOutline;
  placed: PlacedOrder | null;
  starting: boolean;
  /** Whether the next order is placed step by step (the dashboard sends it with the order). */
  stepping: boolean;
  onStepping: (on: boolean) => void;
  /** What the order moves (its stock and balance), shown under the status, beside the steps. */
  money?: ReactNode;
  ref?: Ref<HTMLElement>;
}) {
  const sagaId = placed?.sagaId ?? null;
  const { state, events } = useSagaStream(sagaId, outline);
  const stepByStep = placed?.order.simulation?.step_by_step === true;
  const read = useSagaPause(sagaId, { follow: stepByStep, poll: stepByStep });
  const pause = read ?? null;
  const status: LiveSagaStatus = placed ? state.status : starting ? "starting" : "idle";
  const last = events.at(-1);
  const inFlight = status === "pending" || status === "processing" || status === "compensating";

  return (
    <section
      ref={ref}
      aria-labelledby="timeline-heading"
      className="rounded-2xl border border-slate-200 bg-white p-4 shadow-sm sm:p-5 dark:border-slate-800 dark:bg-slate-900"
    >
      <div className="flex flex-wrap items-center justify-between gap-x-4 gap-y-1 sm:flex-nowrap">
        <h2 id="timeline-heading" className="shrink-0 text-lg font-semibold">
          Live saga
        </h2>
        {/* Its own two lines on a phone (the order, then the link), even while empty, so the summary
            arriving moves nothing; one line beside the heading on wider screens. */}
        <div className="flex h-12 min-w-0 basis-full flex-col items-start justify-center gap-x-3 text-sm sm:h-6 sm:basis-auto sm:flex-row sm:items-center">
          {placed && (
            <>
              <span className="max-w-full truncate text-slate-600 dark:text-slate-300" data-testid="placed-order">
                {placed.order.user_id} · {placed.order.quantity} × {placed.order.product_id} · {formatDollars(placed.order.amount)}
              </span>
              <Link
                href={`/timeline/${encodeURIComponent(placed.sagaId)}`}
                prefetch={false}
                data-testid="timeline-link"
                className="shrink-0 rounded font-medium text-sky-700 underline-offset-2 hover:underline focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-sky-500 dark:text-sky-300"
              >
                Open timeline <span aria-hidden>→</span>
                <span className="sr-only"> of saga {shortId(placed.sagaId)}</span>
              </Link>
            </>
          )}
        </div>
      </div>

      <div className="mt-3">
        <SagaStatusBadge status={status} error={state.error} hint={hint(status, state, pause, outline)} />
      </div>
      {money}
      {status === "compensation_failed" && placed && (
        <div className="mt-3">
          <RetrySagaButton sagaId={placed.sagaId} />
        </div>
      )}

      <StepControls
        outline={outline}
        sagaId={sagaId}
        stepping={stepping}
        onStepping={onStepping}
        pause={pause}
        // What the line says while the saga on screen does not wait.
        otherwise={
          stepByStep && read === undefined
            ? "Reading where the saga waits…"
            : stepByStep && inFlight
              ? "Running the next transition; it waits again before the one after"
              : stepping
                ? "The next order waits for a click before each transition"
                : "Waits for a click before each transition"
        }
      />

      <Direction status={status} state={state} />

      <ol aria-label="Saga steps" className="mt-1">
        {state.steps.map((step, index) => (
          <SagaStepRow key={step.name} step={step} index={index} next={state.steps[index + 1]} />
        ))}
      </ol>

      {/* Screen readers hear each transition once, as a sentence, rather than the whole list again. */}
      <p role="status" aria-live="polite" className="sr-only">
        {placed && last ? announce(last, outline) : ""}
      </p>
    </section>
  );
}

/**
 * Step by step: the order is placed so, and its saga waits on the server before each transition until
 * "Next step" is clicked (or its pause times out); the line says what it waits before. Both controls are
 * always there, so nothing moves.
 */
function StepControls({
  outline,
  sagaId,
  stepping,
  onStepping,
  pause,
  otherwise,
}: {
  outline: SagaOutline;
  sagaId: string | null;
  stepping: boolean;
  onStepping: (on: boolean) => void;
  pause: SagaPause | null;
  otherwise: string;
}) {
  return (
    <div className="mt-3 text-sm">
      <div className="flex flex-wrap items-center gap-x-4 gap-y-2">
        <label className="inline-flex cursor-pointer items-center gap-2 font-medium">
          <input
            type="checkbox"
            checked={stepping}
            onChange={(event) => onStepping(event.target.checked)}
            className="size-4 rounded border-slate-300 accent-sky-600 focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-sky-500"
          />
          Step by step
        </label>
        <ContinueButton
          sagaId={sagaId}
          pause={pause}
          label="Next step"
          // Filled while the saga waits for it: the click is what comes next.
          className="rounded-lg border px-3 py-1 font-medium focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-sky-500 focus-visible:ring-offset-2 enabled:border-sky-600 enabled:bg-sky-600 enabled:text-white enabled:hover:bg-sky-700 disabled:cursor-not-allowed disabled:border-slate-300 disabled:opacity-50 dark:focus-visible:ring-offset-slate-900 dark:disabled:border-slate-600"
        />
      </div>
      {/* A line of its own, two on a phone, whatever it says: the steps below never move. */}
      <PauseText
        outline={outline}
        pause={pause}
        otherwise={otherwise}
        testId="step-pause"
        className={`mt-1 line-clamp-2 h-10 sm:line-clamp-1 sm:h-5 ${pause ? "font-medium text-sky-800 dark:text-sky-200" : "text-slate-500 dark:text-slate-400"}`}
      />
    </div>
  );
}

/** Which way the saga is moving: down through the steps, or back up through their compensations. */
function Direction({ status, state }: { status: LiveSagaStatus; state: SagaState }) {
  let content: ReactNode = "Steps run downwards; compensations run back up.";
  let tone = "text-slate-500 dark:text-slate-400";
  // Worded from what the compensations did: a step that changed nothing is never said to be undone.
  const back = rollbackLine(state);
  if (status === "processing") {
    content = (
      <>
        <span aria-hidden className="mr-1">
          ↓
        </span>
        Running the steps in order
      </>
    );
    tone = "text-sky-700 dark:text-sky-300";
  } else if (status === "compensating" && back) {
    content = (
      <>
        <span aria-hidden className="mr-1 inline-block motion-safe:animate-rise">
          ↑
        </span>
        {back}
      </>
    );
    tone = "font-semibold text-amber-700 dark:text-amber-300";
  } else if (status === "failed" && back) {
    const undid = state.steps.some((step) => step.status === "compensated" && hasUndo(step.compensation));
    content = undid ? (
      <>
        <span aria-hidden className="mr-1">
          ↑
        </span>
        {back}
      </>
    ) : (
      back
    );
    tone = undid ? "text-amber-700 dark:text-amber-300" : "text-slate-600 dark:text-slate-300";
  } else if (status === "completed") {
    content = "Every step completed: nothing to undo";
    tone = "text-emerald-700 dark:text-emerald-300";
  }
  // Two lines reserved on a phone, one on wider screens: the message may change, the layout may not.
  return (
    <p data-testid="saga-direction" className={`mt-3 line-clamp-2 h-10 text-sm sm:h-6 sm:line-clamp-1 ${tone}`}>
      {content}
    </p>
  );
}

function hint(status: LiveSagaStatus, state: SagaState, pause: SagaPause | null, outline: SagaOutline): string {
  if (pause)
    return status === "pending"
      ? "Recorded; waits for “Next step” to start"
      : `Paused before ${pauseTarget(outline, pause, { detailed: true })}`;
  switch (status) {
    case "idle":
      return "Pick a scenario or fill the form, then place the order.";
    case "starting":
      return "Placing the order…";
    case "pending":
      return "Waiting for the saga to start…";
    case "processing": {
      const running = state.steps.find((step) => step.status === "running");
      return running ? `${humanize(running.name)}…` : "Running the steps in order…";
    }
    case "compensating": {
      const undoing = state.steps.find((step) => step.status === "compensating");
      if (!undoing) return "Undoing the completed steps…";
      return hasUndo(undoing.compensation)
        ? `${humanize(undoing.compensation)} (undoing ${humanize(undoing.name).toLowerCase()})…`
        : `${humanize(undoing.name)}: nothing to undo…`;
    }
    case "completed":
      return "Every step completed.";
    case "failed":
      return state.error ?? "The saga failed and was compensated.";
    case "compensation_failed":
      return state.error ?? "A compensation kept failing: retry it from the saga's timeline page.";
  }
}

function announce(event: LogEvent, outline: SagaOutline): string {
  if (event.phase === "saga") return `Saga ${event.outcome}${event.error ? `: ${event.error}` : ""}.`;
  const step = event.position === null ? undefined : outline.steps[event.position];
  if (!step) return "";
  if (event.phase === "compensation")
    return hasUndo(step.compensation)
      ? `${humanize(step.compensation)} (undoing ${humanize(step.name)}): ${event.outcome}.`
      : `${humanize(step.name)}: nothing to undo.`;
  return `${humanize(step.name)}: ${event.outcome}${event.error ? `, ${event.error}` : ""}.`;
}
