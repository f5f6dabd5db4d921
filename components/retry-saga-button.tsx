"use client";
import { ApiError } from "@/lib/client/fetch-json";
import { useRetrySaga } from "@/lib/client/hooks";

/**
 * The operator's button for a saga stuck in compensation_failed: runs its compensations again
 * (POST /api/sagas/{id}/retry). The saga's stream and the dashboard show what happens next.
 */
export function RetrySagaButton({ sagaId, label = "Retry compensation", run }: { sagaId: string; label?: string; run?: string }) {
  const retry = useRetrySaga();
  const failure = retry.error instanceof ApiError ? String(retry.error.detail) : retry.error ? "The retry could not be sent." : null;
  return (
    <span className="inline-flex flex-wrap items-center gap-2">
      <button
        type="button"
        data-testid={`retry-${sagaId}`}
        disabled={retry.isPending}
        onClick={() => retry.mutate(sagaId)}
        className="rounded-lg bg-orange-600 px-3 py-1.5 text-sm font-semibold text-white shadow-sm hover:bg-orange-700 focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-orange-400 focus-visible:ring-offset-2 disabled:opacity-60 dark:focus-visible:ring-offset-slate-900"
      >
        {retry.isPending ? "Retrying…" : label}
        {/* In a list of stuck runs, which one this button retries. */}
        {run && <span className="sr-only"> of {run}</span>}
      </button>
      {failure && (
        <span role="alert" className="text-sm text-red-700 dark:text-red-300">
          {failure}
        </span>
      )}
    </span>
  );
}
