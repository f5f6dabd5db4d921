"use client";
import Link from "next/link";
import { STUCK_SHOWN, useStuckSagas } from "@/lib/client/hooks";
import { RetrySagaButton } from "./retry-saga-button";

/**
 * Sagas an operator must look at: a compensation kept failing, so the saga stopped in
 * compensation_failed with its reason instead of pretending to be cleanly failed.
 */
export function StuckSagas() {
  const stuck = useStuckSagas();
  const all = stuck.data ?? [];
  if (all.length === 0) return null;
  const sagas = all.slice(0, STUCK_SHOWN);
  return (
    <section
      aria-labelledby="stuck-heading"
      data-testid="stuck-sagas"
      className="rounded-2xl border-2 border-orange-400 bg-orange-50 p-4 shadow-sm sm:p-5 dark:border-orange-600 dark:bg-orange-950"
    >
      <h2 id="stuck-heading" className="text-lg font-semibold text-orange-900 dark:text-orange-100">
        Needs an operator ({all.length > STUCK_SHOWN ? `the newest ${STUCK_SHOWN} of more` : sagas.length})
      </h2>
      <p className="mt-1 text-sm text-orange-900/80 dark:text-orange-200/80">
        A compensation failed after its retries. Nothing was undone silently: retry it once the cause is fixed.
      </p>
      <ul className="mt-3 space-y-3">
        {sagas.map((saga) => (
          <li key={saga.id} className="flex flex-wrap items-center justify-between gap-2 rounded-lg bg-white/70 p-3 dark:bg-slate-900/60">
            <div className="min-w-0">
              <Link
                href={`/timeline/${encodeURIComponent(saga.id)}`}
                className="font-mono text-xs text-sky-700 underline-offset-2 hover:underline focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-sky-500 dark:text-sky-300"
              >
                {saga.id}
              </Link>
              <p className="text-sm text-orange-900 dark:text-orange-100">{saga.error}</p>
            </div>
            <RetrySagaButton sagaId={saga.id} />
          </li>
        ))}
      </ul>
    </section>
  );
}
