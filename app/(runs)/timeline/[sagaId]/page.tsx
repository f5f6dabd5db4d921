import type { Metadata } from "next";
import { cache } from "react";
import { BackToDashboard } from "@/components/back-to-dashboard";
import { LocalTime } from "@/components/local-time";
import { SagaRun } from "@/components/saga-run";
import { formatDollars, orderLine } from "@/lib/client/format";
import { toDollars } from "@/lib/money";
import { demoAccounts, demoProducts } from "@/lib/orders/demo-data";
import { runSummary, type RunSummary } from "@/lib/orders/run-story";
import SagaNotFound from "./not-found";

// Reads the database on every request: a saga placed a second ago must be found.
export const dynamic = "force-dynamic";

type Params = { params: Promise<{ sagaId: string }> };

// The seed's display names, as the dashboard shows them.
const names: Record<string, string> = Object.fromEntries([...demoProducts, ...demoAccounts].map(({ id, name }) => [id, name]));

/** What the order was, as the page's heading and title say it: "1 × Mechanical keyboard for Linus, $50.00". */
const described = ({ order }: RunSummary) => `${orderLine(order, names)}, ${formatDollars(toDollars(order.amount.cents))}`;

/** The run's story (its saga, order, steps, what it moved), read once per request (the metadata and the page both ask). */
const findRun = cache((sagaId: string) => runSummary(sagaId));

export async function generateMetadata({ params }: Params): Promise<Metadata> {
  const { sagaId } = await params;
  const run = await findRun(sagaId);
  return run ? { title: `${described(run)} · Saga Studio` } : { title: "Saga not found · Saga Studio", robots: { index: false } };
}

export default async function TimelinePage({ params }: Params) {
  const { sagaId } = await params;
  // Checked here rather than in the browser, where the 404 of GET /api/sagas/{id} would log a console
  // error. notFound() would answer 404 too, and Chromium logs "Failed to load resource" for a 404
  // document as well, so the page answers 200 with the not-found message instead.
  const run = await findRun(sagaId);
  if (!run) return <SagaNotFound />;
  const { saga, order, outline, effects, before } = run;

  return (
    <>
      <div>
        <BackToDashboard />
        {/* What the order was, not its id: the ids follow, in the line below. */}
        <h1 className="mt-2 text-2xl font-semibold sm:text-3xl">
          <span className="block text-sm font-medium text-slate-500 dark:text-slate-400">Saga timeline</span>
          <span className="wrap-anywhere">{described(run)}</span>
        </h1>
        <p className="mt-1 font-mono text-sm text-slate-600 wrap-anywhere dark:text-slate-400">
          {order.user_id} · {order.product_id} · placed <LocalTime iso={order.created_at} /> · saga {saga.id}
        </p>
      </div>
      <SagaRun
        sagaId={saga.id}
        outline={outline}
        initialStatus={saga.status}
        effects={effects}
        before={before}
        definitionVersion={saga.definition_version}
        initialPause={saga.waiting}
        order={{
          id: order.id,
          user_id: order.user_id,
          product_id: order.product_id,
          quantity: order.quantity,
          // Money crosses to the client as a plain number of dollars, as the API sends it.
          amount: toDollars(order.amount.cents),
        }}
      />
    </>
  );
}
