import type { Metadata } from "next";
import { headers } from "next/headers";
import Link from "next/link";
import { BackToDashboard } from "@/components/back-to-dashboard";
import { CompareRuns } from "@/components/compare-runs";
import { LocalTime } from "@/components/local-time";
import { formatDollars, orderLine, readableError, sagaLabel } from "@/lib/client/format";
import { toDollars } from "@/lib/money";
import { demoAccounts, demoProducts } from "@/lib/orders/demo-data";
import { findOrder, ordersPage, sagasPage, type OrderView } from "@/lib/orders/queries";
import { runStory } from "@/lib/orders/run-story";
import { worldOfCookieHeader } from "@/lib/world-id";
import { OrderStatusBadge } from "@/components/order-status-badge";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Compare two runs · Saga Studio" };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

// The seed's display names, as the dashboard shows them.
const names: Record<string, string> = Object.fromEntries([...demoProducts, ...demoAccounts].map(({ id, name }) => [id, name]));

const one = (value: string | string[] | undefined) => (typeof value === "string" && value.length <= 200 ? value : undefined);
const linkClass =
  "rounded text-sky-700 underline-offset-2 hover:underline focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-sky-500 dark:text-sky-300";

export default async function ComparePage({ searchParams }: Props) {
  const params = await searchParams;
  const [a, b] = [one(params.a), one(params.b)];
  const [left, right] = await Promise.all([a ? runStory(a) : null, b ? runStory(b) : null]);

  return (
    <>
      <div>
        <BackToDashboard />
        <h1 className="mt-2 text-2xl font-semibold sm:text-3xl">Compare two runs</h1>
        <p className="mt-1 max-w-3xl text-sm text-slate-600 dark:text-slate-300">
          Two sagas side by side, step by step: where they part ways, what each one undid, and what each moved.
        </p>
      </div>
      {left && right ? (
        <CompareRuns left={left} right={right} names={names} />
      ) : (
        <Picker a={left ? a : undefined} first={left} missing={Boolean((a && !left) || (b && !right))} />
      )}
    </>
  );
}

/**
 * Without two runs: the visitor's recent runs, to pick the other (or both), each said as what the order
 * was (who bought how many of what, for how much, when) and how it ended; named by its saga, as the
 * dashboard's Recent orders and the timeline page name it.
 */
async function Picker({ a, first, missing }: { a?: string; first: Awaited<ReturnType<typeof runStory>>; missing: boolean }) {
  const world = worldOfCookieHeader((await headers()).get("cookie"));
  const [{ items }, orders] = await Promise.all([sagasPage(undefined, 20, undefined, world), ordersPage(20, undefined, world)]);
  const byId = new Map(orders.items.map((order) => [order.id, order]));
  const choices = (
    await Promise.all(
      items
        .filter((saga) => saga.id !== a)
        .map(async (saga) => ({ saga, order: byId.get(saga.order_id) ?? (await findOrder(saga.order_id)) })),
    )
  ).filter((choice): choice is { saga: (typeof items)[number]; order: OrderView } => choice.order !== null);
  return (
    <section
      aria-labelledby="pick-heading"
      className="rounded-2xl border border-slate-200 bg-white p-4 shadow-sm sm:p-5 dark:border-slate-800 dark:bg-slate-900"
    >
      <h2 id="pick-heading" className="text-lg font-semibold">
        {a ? "Pick the run to compare it with" : "Pick two runs"}
      </h2>
      {a && first && (
        <p data-testid="picked-first" className="mt-1 text-sm text-slate-600 dark:text-slate-300">
          Run A: {orderLine(first.order, names)} · {formatDollars(toDollars(first.order.amount.cents))} ·{" "}
          {first.saga.status === "compensation_failed" ? "stuck" : first.saga.status} ·{" "}
          <span className="font-mono text-xs">{sagaLabel(first.saga.id)}</span>
        </p>
      )}
      {missing && (
        <p role="alert" className="mt-2 text-sm text-red-700 dark:text-red-300">
          A saga in the link was not found: pick from your recent runs instead.
        </p>
      )}
      {choices.length === 0 ? (
        <p className="mt-3 text-sm text-slate-600 dark:text-slate-300">
          No other runs in your demo yet: place a few orders on the dashboard first.
        </p>
      ) : (
        <ul className="mt-3 divide-y divide-slate-100 text-sm dark:divide-slate-800">
          {choices.map(({ saga, order }) => {
            const what = orderLine(order, names);
            const amount = formatDollars(toDollars(order.amount.cents));
            const outcome = saga.status === "compensation_failed" ? "stuck" : saga.status;
            const href = a
              ? `/compare?a=${encodeURIComponent(a)}&b=${encodeURIComponent(saga.id)}`
              : `/compare?a=${encodeURIComponent(saga.id)}`;
            return (
              <li key={saga.id} data-testid="pick-choice" className="flex flex-wrap items-center justify-between gap-x-4 gap-y-2 py-3">
                {/* On a phone the badge, the run and the link each take a line of their own. */}
                <div className="flex min-w-0 flex-1 basis-64 flex-col items-start gap-1 sm:flex-row sm:gap-3">
                  <OrderStatusBadge status={saga.status} />
                  <div className="min-w-0">
                    <p className="font-medium">
                      {what} <span className="font-normal text-slate-600 dark:text-slate-300">· {amount}</span>
                    </p>
                    <p className="font-mono text-xs text-slate-500 wrap-anywhere dark:text-slate-400">
                      {order.user_id} · {order.product_id} · <LocalTime iso={order.created_at} /> · {sagaLabel(saga.id)}
                    </p>
                    {saga.error && <p className="text-slate-600 wrap-anywhere dark:text-slate-300">{readableError(saga.error)}</p>}
                  </div>
                </div>
                <Link data-testid="pick-run" href={href} className={`shrink-0 ${linkClass}`}>
                  {a ? "Compare with this run" : "Pick this one first"}{" "}
                  <span className="sr-only">
                    — {what}, {amount}, placed <LocalTime iso={order.created_at} />, {outcome} ({sagaLabel(saga.id)})
                  </span>
                </Link>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
