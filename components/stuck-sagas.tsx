"use client";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { fetchJson } from "@/lib/client/fetch-json";
import { clockTime, formatDollars, orderLine, readableError, sagaLabel } from "@/lib/client/format";
import { queryKeys, STUCK_SHOWN, useOrders, useStuckSagas, type Order, type Saga } from "@/lib/client/hooks";
import { RetrySagaButton } from "./retry-saga-button";

/**
 * Sagas an operator must look at: a compensation kept failing, so the saga stopped in
 * compensation_failed with its reason instead of pretending to be cleanly failed. Each is said as the
 * order it was, with its whole reason; the one on the Live saga card has its Retry button there, so it
 * gets no second one here. The dashboard puts this list below the live saga and the cards, so that it
 * appearing never moves the saga being watched.
 */
export function StuckSagas({ names, live }: { names: Record<string, string>; live: string | null }) {
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
          <StuckSaga key={saga.id} saga={saga} names={names} live={saga.id === live} />
        ))}
      </ul>
    </section>
  );
}

function StuckSaga({ saga, names, live }: { saga: Saga; names: Record<string, string>; live: boolean }) {
  const order = useOrderOf(saga);
  const what = order ? `${orderLine(order, names)}, ${formatDollars(order.amount)}` : sagaLabel(saga.id);
  return (
    <li
      data-testid="stuck-saga"
      className="flex flex-wrap items-center justify-between gap-x-4 gap-y-2 rounded-lg bg-white/70 p-3 dark:bg-slate-900/60"
    >
      <div className="min-w-0 flex-1 basis-64">
        <Link
          href={`/timeline/${encodeURIComponent(saga.id)}`}
          prefetch={false}
          className="rounded font-medium text-sky-700 underline-offset-2 hover:underline focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-sky-500 dark:text-sky-300"
        >
          {what}
        </Link>
        <p className="font-mono text-xs text-slate-600 wrap-anywhere dark:text-slate-400">
          {order && `${order.user_id} · ${order.product_id} · `}
          {sagaLabel(saga.id)}
          {order?.created_at && ` · ${clockTime(order.created_at)}`}
        </p>
        {saga.error && <p className="mt-1 text-sm text-orange-900 wrap-anywhere dark:text-orange-100">{readableError(saga.error)}</p>}
      </div>
      {live ? (
        <p className="text-sm text-orange-900/80 dark:text-orange-200/80">On the Live saga card, with its Retry button</p>
      ) : (
        <RetrySagaButton sagaId={saga.id} run={what} />
      )}
    </li>
  );
}

/** The stuck saga's order: from the recent orders when it is among them, else read on its own. */
function useOrderOf(saga: Saga): Order | undefined {
  const recent = useOrders().data?.find((order) => order.id === saga.order_id);
  const own = useQuery({
    queryKey: [...queryKeys.orders, saga.order_id],
    queryFn: () => fetchJson<Order>(`/api/orders/${encodeURIComponent(saga.order_id)}`),
    enabled: recent === undefined,
  });
  return recent ?? own.data;
}
