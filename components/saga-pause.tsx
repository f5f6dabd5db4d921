"use client";
/**
 * A step-by-step saga's pause, as the server holds it: what the saga waits before, and the countdown to
 * when it goes on by itself; and the button that continues it (POST /api/sagas/{id}/continue). The
 * dashboard's step controls and the timeline page both show it.
 */
import { useEffect, useState } from "react";
import { ApiError } from "@/lib/client/fetch-json";
import { useContinueSaga, type SagaPause } from "@/lib/client/hooks";
import type { SagaOutline } from "@/lib/view/outline";
import { pauseLine } from "@/lib/view/pause";

/**
 * The time now, ticking each second while there is a pause to count down; null until the page runs in
 * the browser (the server's render and the browser's first must say the same).
 */
function usePauseClock(pause: SagaPause | null): number | null {
  const [now, setNow] = useState<number | null>(null);
  useEffect(() => {
    // eslint-disable-next-line react-hooks/set-state-in-effect -- the clock is read in the browser only, after hydration
    setNow(Date.now());
    if (!pause) return;
    const timer = setInterval(() => setNow(Date.now()), 1_000);
    return () => clearInterval(timer);
  }, [pause]);
  return now;
}

/** "Waiting before Reserve inventory · resumes by itself in 4:59", or `otherwise` when the saga does not wait. */
export function PauseText({
  outline,
  pause,
  otherwise,
  testId,
  className,
}: {
  outline: SagaOutline;
  pause: SagaPause | null;
  otherwise: string;
  testId: string;
  className?: string;
}) {
  const now = usePauseClock(pause);
  return (
    <span
      data-testid={testId}
      data-waiting={pause ? `${pause.phase} ${pause.before}` : undefined}
      className={`tabular-nums ${className ?? ""}`}
    >
      {pause ? pauseLine(outline, pause, now) : otherwise}
    </span>
  );
}

/**
 * Continues the saga's pause: enabled only while the saga waits, and until the server has begun the
 * transition it waited before (a second click meanwhile would be a second step).
 */
export function ContinueButton({
  sagaId,
  pause,
  label,
  className,
  testId = "next-step",
}: {
  sagaId: string | null;
  pause: SagaPause | null;
  label: string;
  className: string;
  testId?: string;
}) {
  const continuing = useContinueSaga();
  const failure =
    continuing.error instanceof ApiError ? String(continuing.error.detail) : continuing.error ? "The continue could not be sent." : null;
  // A new pause (or none): what the last click answered no longer matters.
  const { reset } = continuing;
  useEffect(() => reset(), [pause?.since, reset]);
  return (
    <>
      <button
        type="button"
        onClick={() => sagaId && continuing.mutate(sagaId)}
        disabled={!sagaId || !pause || continuing.isPending}
        data-testid={testId}
        className={className}
      >
        {label}
      </button>
      {failure && (
        <span role="alert" className="text-sm text-red-700 dark:text-red-300">
          {failure}
        </span>
      )}
    </>
  );
}
