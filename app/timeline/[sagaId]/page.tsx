import type { Metadata } from "next";
import Link from "next/link";
import { cache } from "react";
import { SagaRun } from "@/components/saga-run";
import { SiteHeader } from "@/components/site-header";
import { shortId } from "@/lib/client/format";
import { toDollars } from "@/lib/money";
import { runSummary } from "@/lib/orders/run-story";
import SagaNotFound from "./not-found";

// Reads the database on every request: a saga placed a second ago must be found.
export const dynamic = "force-dynamic";

type Params = { params: Promise<{ sagaId: string }> };

/** The run's story (its saga, order, steps, what it moved), read once per request (the metadata and the page both ask). */
const findRun = cache((sagaId: string) => runSummary(sagaId));

export async function generateMetadata({ params }: Params): Promise<Metadata> {
  const { sagaId } = await params;
  return (await findRun(sagaId))
    ? { title: `Saga ${shortId(sagaId)} · Saga Studio` }
    : { title: "Saga not found · Saga Studio", robots: { index: false } };
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
      <SiteHeader />
      <main className="mx-auto max-w-7xl space-y-6 px-4 py-8 sm:px-6">
        <div>
          <Link
            href="/"
            className="rounded text-sm text-sky-700 underline-offset-2 hover:underline focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-sky-500 dark:text-sky-300"
          >
            <span aria-hidden>← </span>Dashboard
          </Link>
          <h1 className="mt-2 text-2xl font-semibold sm:text-3xl">Saga timeline</h1>
          <p className="mt-1 break-all font-mono text-sm text-slate-600 dark:text-slate-400">{saga.id}</p>
        </div>
        <SagaRun
          sagaId={saga.id}
          outline={outline}
          initialStatus={saga.status}
          effects={effects}
          before={before}
          definitionVersion={saga.definition_version}
          order={{
            id: order.id,
            user_id: order.user_id,
            product_id: order.product_id,
            quantity: order.quantity,
            // Money crosses to the client as a plain number of dollars, as the API sends it.
            amount: toDollars(order.amount.cents),
          }}
        />
      </main>
    </>
  );
}
