"use client";
import Link from "next/link";
import { useState } from "react";
import { clockTime, formatDollars, orderLine, sagaLabel } from "@/lib/client/format";
import { RECENT_ORDERS as SHOWN, useOrders, type Order } from "@/lib/client/hooks";
import { OrderStatusBadge } from "./order-status-badge";

/**
 * The newest orders first, as the API lists them; each opens its saga's timeline page, and any two can be
 * compared. A run is named by its saga ("saga 6e6f5e63"), as the timeline and compare pages name it.
 */
export function RecentOrders({ names }: { names: Record<string, string> }) {
  const orders = useOrders();
  const list = orders.data ?? [];
  // The sagas picked to compare, oldest pick first; a third pick replaces the oldest.
  const [picked, setPicked] = useState<string[]>([]);
  const toggle = (sagaId: string) =>
    setPicked((current) => (current.includes(sagaId) ? current.filter((id) => id !== sagaId) : [...current, sagaId].slice(-2)));
  const comparable = picked.filter((id) => list.some((order) => order.saga_id === id));
  return (
    <section
      aria-labelledby="orders-heading"
      className="rounded-2xl border border-slate-200 bg-white p-4 shadow-sm sm:p-5 dark:border-slate-800 dark:bg-slate-900"
    >
      <div className="flex items-baseline justify-between gap-3">
        <h2 id="orders-heading" className="text-lg font-semibold">
          Recent orders
        </h2>
        <div className="flex items-baseline gap-3">
          {list.length > SHOWN && <p className="text-xs text-slate-500 dark:text-slate-400">The newest {SHOWN}</p>}
          {comparable.length === 2 ? (
            <Link
              href={`/compare?a=${encodeURIComponent(comparable[0])}&b=${encodeURIComponent(comparable[1])}`}
              data-testid="compare-picked"
              className="rounded-md bg-sky-700 px-2.5 py-1 text-xs font-semibold text-white hover:bg-sky-800 focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-sky-500"
            >
              Compare the two
            </Link>
          ) : (
            list.length > 1 && <p className="text-xs text-slate-500 dark:text-slate-400">Tick two to compare them</p>
          )}
        </div>
      </div>
      {orders.isError && !orders.data ? (
        <p className="mt-3 text-sm text-red-700 dark:text-red-300">Could not load the orders.</p>
      ) : orders.isPending ? (
        <p className="mt-3 text-sm text-slate-500 dark:text-slate-400">Loading orders…</p>
      ) : list.length === 0 ? (
        <p className="mt-3 text-sm text-slate-500 dark:text-slate-400" data-testid="no-orders">
          No orders yet. Place one above and it appears here.
        </p>
      ) : (
        <ul data-testid="recent-orders" className="mt-3 divide-y divide-slate-200 dark:divide-slate-800">
          {list.slice(0, SHOWN).map((order) => (
            <li key={order.id} className="flex items-center gap-1">
              {order.saga_id && (
                <input
                  type="checkbox"
                  checked={picked.includes(order.saga_id)}
                  onChange={() => toggle(order.saga_id!)}
                  aria-label={`Compare ${describe(order, names)}`}
                  data-testid="compare-pick"
                  className="h-4 w-4 shrink-0 accent-sky-700"
                />
              )}
              <div className="min-w-0 flex-1">
                <OrderRow order={order} names={names} />
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** The run in words, for the compare checkbox: what was ordered, for how much, when, how it ended, and its saga. */
function describe(order: Order, names: Record<string, string>): string {
  const outcome = order.status === "compensation_failed" ? "stuck" : order.status;
  const when = order.created_at ? `, placed ${clockTime(order.created_at)}` : "";
  return `${orderLine(order, names)}, ${formatDollars(order.amount)}${when}, ${outcome}${order.saga_id ? ` (${sagaLabel(order.saga_id)})` : ""}`;
}

function OrderRow({ order, names }: { order: Order; names: Record<string, string> }) {
  // A phone shows the status and amount on one line and the order below; wider screens use one line.
  const content = (
    <>
      <span className="col-start-1 row-start-1">
        <OrderStatusBadge status={order.status} />
      </span>
      <span className="col-span-3 row-start-2 min-w-0 sm:col-span-1 sm:col-start-2 sm:row-start-1">
        {/* Wrapped, never cut: on a phone the order takes the lines it needs. */}
        <span className="block text-sm font-medium wrap-anywhere">
          {order.quantity} × {names[order.product_id] ?? order.product_id}
          <span className="font-normal text-slate-500 dark:text-slate-400"> for {names[order.user_id] ?? order.user_id}</span>
        </span>
        <span className="block font-mono text-xs text-slate-500 wrap-anywhere dark:text-slate-400">
          {order.product_id} · {order.user_id}
          {order.saga_id && ` · ${sagaLabel(order.saga_id)}`}
          {order.created_at && ` · ${clockTime(order.created_at)}`}
        </span>
      </span>
      <span className="col-start-2 row-start-1 justify-self-end text-sm font-semibold tabular-nums sm:col-start-3">
        {formatDollars(order.amount)}
      </span>
    </>
  );
  const row = "grid grid-cols-[auto_1fr_auto] items-center gap-x-3 gap-y-1 rounded-lg px-2 py-2.5 sm:grid-cols-[auto_1fr_auto_auto]";
  if (!order.saga_id)
    return (
      <div data-testid="order-row" data-order-id={order.id} className={row}>
        {content}
      </div>
    );
  return (
    <Link
      href={`/timeline/${encodeURIComponent(order.saga_id)}`}
      // A list of sagas would prefetch a page for each row; the timeline is opened one at a time.
      prefetch={false}
      data-testid="order-row"
      data-order-id={order.id}
      className={`${row} hover:bg-slate-50 focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-sky-500 dark:hover:bg-slate-800/60`}
    >
      {content}
      <span aria-hidden className="col-start-3 row-start-1 text-slate-400 sm:col-start-4">
        →
      </span>
    </Link>
  );
}
