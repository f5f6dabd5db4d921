import type { EventOutcome } from "@/lib/saga/status";

type Status = EventOutcome;

/** One colour per status, everywhere: blue in progress, green done, red failed, amber undoing. */
export const statusTone: Record<Status, string> = {
  pending: "bg-slate-100 text-slate-700 ring-slate-300 dark:bg-slate-800 dark:text-slate-300 dark:ring-slate-600",
  processing: "bg-sky-50 text-sky-800 ring-sky-300 dark:bg-sky-950 dark:text-sky-200 dark:ring-sky-700",
  running: "bg-sky-50 text-sky-800 ring-sky-300 dark:bg-sky-950 dark:text-sky-200 dark:ring-sky-700",
  completed: "bg-emerald-50 text-emerald-800 ring-emerald-300 dark:bg-emerald-950 dark:text-emerald-200 dark:ring-emerald-700",
  failed: "bg-red-50 text-red-800 ring-red-300 dark:bg-red-950 dark:text-red-200 dark:ring-red-700",
  compensating: "bg-amber-50 text-amber-900 ring-amber-300 dark:bg-amber-950 dark:text-amber-200 dark:ring-amber-700",
  compensated: "bg-amber-50 text-amber-900 ring-amber-300 dark:bg-amber-950 dark:text-amber-200 dark:ring-amber-700",
  // An attempt failed and another follows: a warning, not yet a failure.
  retrying: "bg-rose-50 text-rose-800 ring-rose-300 dark:bg-rose-950 dark:text-rose-200 dark:ring-rose-700",
  // Stuck: undoing failed and an operator must retry; louder than failed, because someone has to act.
  compensation_failed: "bg-orange-100 text-orange-900 ring-orange-500 dark:bg-orange-950 dark:text-orange-200 dark:ring-orange-500",
};

/** A small status pill for an order, a saga or a step. */
export function OrderStatusBadge({ status }: { status: Status }) {
  return (
    <span
      data-status={status}
      className={`inline-flex w-[6.25rem] shrink-0 justify-center rounded-full px-2 py-0.5 text-[11px] font-semibold sm:w-28 sm:text-xs capitalize ring-1 ring-inset ${statusTone[status]}`}
    >
      {status === "compensation_failed" ? "stuck" : status}
    </span>
  );
}
