"use client";
import { formatDollars, formatSignedCount, formatSignedDollars } from "@/lib/client/format";
import { useBalances, useInventory } from "@/lib/client/hooks";
import { useChangeHighlights, type Highlight } from "@/lib/client/use-change-highlights";
import type { PlacedOrder } from "./saga-timeline";

// As the Inventory and Balances cards say them: stock only rises when a reservation is released, and a
// balance when a payment is refunded (or the demo is reset).
const stockChange = ({ delta, cause }: Highlight) =>
  `${formatSignedCount(delta)}${cause === "reset" ? " reset" : delta > 0 ? " released" : ""}`;
const moneyChange = ({ delta, cause }: Highlight) =>
  `${formatSignedDollars(delta)}${cause === "reset" ? " reset" : delta > 0 ? " refund" : ""}`;

/**
 * The two values the order on the Live saga card moves, its product's stock and its user's balance, with
 * each change flashed as it happens: beside the steps, so "+$50.00 refund" is seen while the refund runs,
 * on a phone too, where the Inventory and Balances cards are a screen further down. Always two lines tall,
 * before an order as after, so nothing below it moves.
 */
export function OrderMoney({
  placed,
  names,
  resetRequestedAt,
}: {
  placed: PlacedOrder | null;
  names: Record<string, string>;
  resetRequestedAt: number | null;
}) {
  const inventory = useInventory();
  const balances = useBalances();
  const stockChanges = useChangeHighlights(inventory.data, resetRequestedAt);
  const moneyChanges = useChangeHighlights(balances.data, resetRequestedAt);
  const product = placed?.order.product_id;
  const user = placed?.order.user_id;
  return (
    <dl aria-label="What this order moves" className="mt-3 grid grid-cols-2 gap-3 text-sm">
      <Value
        testId="order-money-stock"
        label={product ? `Stock · ${product}` : "Stock"}
        title={product && names[product]}
        value={product && inventory.data?.[product] !== undefined ? String(inventory.data[product]) : "—"}
        change={product && stockChanges[product] ? stockChanges[product] : undefined}
        describe={stockChange}
      />
      <Value
        testId="order-money-balance"
        label={user ? `Balance · ${user}` : "Balance"}
        title={user && names[user]}
        value={user && balances.data?.[user] !== undefined ? formatDollars(balances.data[user]) : "—"}
        change={user && moneyChanges[user] ? moneyChanges[user] : undefined}
        describe={moneyChange}
      />
    </dl>
  );
}

function Value({
  testId,
  label,
  title,
  value,
  change,
  describe,
}: {
  testId: string;
  label: string;
  title: string | undefined;
  value: string;
  change: Highlight | undefined;
  describe: (change: Highlight) => string;
}) {
  const tone = !change
    ? ""
    : change.cause === "reset"
      ? "text-slate-600 dark:text-slate-300"
      : change.delta < 0
        ? "text-red-700 dark:text-red-300"
        : "text-emerald-700 dark:text-emerald-300";
  return (
    <div
      className={`min-w-0 rounded-lg px-3 py-1.5 transition-colors duration-500 motion-reduce:transition-none ${
        change ? "bg-amber-50 ring-1 ring-amber-300 dark:bg-amber-950/40 dark:ring-amber-700" : "bg-slate-50 dark:bg-slate-800/60"
      }`}
    >
      <dt className="truncate text-xs text-slate-500 dark:text-slate-400" title={title}>
        {label}
      </dt>
      {/* The value and its change on lines of their own, the change's reserved: a flash moves nothing. */}
      <dd className="flex flex-col">
        <span data-testid={testId} className="font-semibold tabular-nums">
          {value}
        </span>
        <span data-testid={`${testId}-change`} className={`h-4 text-xs font-semibold leading-4 tabular-nums ${tone}`}>
          {change && (
            <span key={change.key} className="motion-safe:animate-highlight">
              {describe(change)}
            </span>
          )}
        </span>
      </dd>
    </div>
  );
}
