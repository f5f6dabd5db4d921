import type { ReactNode } from "react";
import { readableError } from "@/lib/client/format";
import type { SagaStatus } from "@/lib/saga/status";

export type LiveSagaStatus = SagaStatus | "idle" | "starting";

const looks: Record<LiveSagaStatus, { box: string; icon: string; label: ReactNode }> = {
  idle: {
    box: "border-slate-300 bg-slate-50 text-slate-600 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-300",
    icon: "○",
    label: "Ready",
  },
  starting: {
    box: "border-sky-300 bg-sky-50 text-sky-800 dark:border-sky-700 dark:bg-sky-950 dark:text-sky-200",
    icon: "…",
    label: "Starting",
  },
  pending: {
    box: "border-sky-300 bg-sky-50 text-sky-800 dark:border-sky-700 dark:bg-sky-950 dark:text-sky-200",
    icon: "…",
    label: "Pending",
  },
  processing: {
    box: "border-sky-400 bg-sky-50 text-sky-800 dark:border-sky-600 dark:bg-sky-950 dark:text-sky-200",
    icon: "▶",
    label: "Processing",
  },
  compensating: {
    box: "border-amber-400 bg-amber-50 text-amber-900 dark:border-amber-600 dark:bg-amber-950 dark:text-amber-200",
    icon: "↺",
    label: "Compensating",
  },
  completed: {
    box: "border-emerald-500 bg-emerald-600 text-white dark:border-emerald-400 dark:bg-emerald-700",
    icon: "✓",
    label: "Completed",
  },
  failed: { box: "border-red-500 bg-red-600 text-white dark:border-red-400 dark:bg-red-700", icon: "✕", label: "Failed" },
  compensation_failed: {
    box: "border-orange-500 bg-orange-100 text-orange-950 dark:border-orange-400 dark:bg-orange-950 dark:text-orange-100",
    icon: "⚠",
    // "Stuck" alone on a phone, where the whole label would take two lines: the error below says what failed.
    label: (
      <>
        Stuck<span className="hidden sm:inline">: compensation failed</span>
      </>
    ),
  },
};

/**
 * The saga's overall status, large, so the end of a run cannot be missed: solid green or solid red,
 * with the failure's reason. A minimum height keeps the timeline below it still as the status changes;
 * a failure's reason is shown whole, on as many lines as it takes (it only comes at the end of a run).
 */
export function SagaStatusBadge({ status, error, hint }: { status: LiveSagaStatus; error: string | null; hint: string }) {
  const look = looks[status];
  const inFlight = status === "starting" || status === "pending" || status === "processing" || status === "compensating";
  const showsError = status === "failed" || status === "compensation_failed";
  return (
    <div
      data-testid="saga-status"
      data-status={status}
      // Taller on a phone, where the hint takes two lines rather than being cut off.
      className={`flex min-h-20 items-center gap-3 rounded-xl border-2 px-4 py-1.5 sm:min-h-16 ${look.box}`}
    >
      <span aria-hidden className={`text-2xl leading-none ${inFlight ? "motion-safe:animate-pulse" : ""}`}>
        {look.icon}
      </span>
      <div className="min-w-0">
        <p className="text-xl font-bold leading-tight">{look.label}</p>
        {showsError && error ? (
          <p data-testid="saga-error" className="text-sm leading-tight opacity-90 wrap-anywhere">
            {readableError(error)}
          </p>
        ) : (
          <p className="line-clamp-2 text-sm leading-tight opacity-90 sm:line-clamp-none sm:truncate sm:leading-normal" title={hint}>
            {hint}
          </p>
        )}
      </div>
    </div>
  );
}
