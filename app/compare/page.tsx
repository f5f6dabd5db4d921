import type { Metadata } from "next";
import { headers } from "next/headers";
import Link from "next/link";
import { CompareRuns } from "@/components/compare-runs";
import { SiteHeader } from "@/components/site-header";
import { shortId } from "@/lib/client/format";
import { sagasPage } from "@/lib/orders/queries";
import { runStory } from "@/lib/orders/run-story";
import { worldOfCookieHeader } from "@/lib/world-id";
import { OrderStatusBadge } from "@/components/order-status-badge";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Compare two runs · Saga Studio" };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

const one = (value: string | string[] | undefined) => (typeof value === "string" && value.length <= 200 ? value : undefined);
const linkClass = "rounded text-sky-700 underline-offset-2 hover:underline focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-sky-500 dark:text-sky-300";

export default async function ComparePage({ searchParams }: Props) {
  const params = await searchParams;
  const [a, b] = [one(params.a), one(params.b)];
  const [left, right] = await Promise.all([a ? runStory(a) : null, b ? runStory(b) : null]);

  return (
    <>
      <SiteHeader />
      <main className="mx-auto max-w-7xl space-y-6 px-4 py-8 sm:px-6">
        <div>
          <Link href="/" className={`text-sm ${linkClass}`}>
            <span aria-hidden>← </span>Dashboard
          </Link>
          <h1 className="mt-2 text-2xl font-semibold sm:text-3xl">Compare two runs</h1>
          <p className="mt-1 max-w-3xl text-sm text-slate-600 dark:text-slate-300">
            Two sagas side by side, step by step: where they part ways, what each one undid, and what each moved.
          </p>
        </div>
        {left && right ? <CompareRuns left={left} right={right} /> : <Picker a={left ? a : undefined} missing={Boolean((a && !left) || (b && !right))} />}
      </main>
    </>
  );
}

/** Without two runs: the visitor's recent runs, to pick the other (or both). */
async function Picker({ a, missing }: { a?: string; missing: boolean }) {
  const world = worldOfCookieHeader((await headers()).get("cookie"));
  const { items } = await sagasPage(undefined, 20, undefined, world);
  const choices = items.filter((saga) => saga.id !== a);
  return (
    <section aria-labelledby="pick-heading" className="rounded-2xl border border-slate-200 bg-white p-4 shadow-sm sm:p-5 dark:border-slate-800 dark:bg-slate-900">
      <h2 id="pick-heading" className="text-lg font-semibold">
        {a ? "Pick the run to compare it with" : "Pick two runs"}
      </h2>
      {missing && (
        <p role="alert" className="mt-2 text-sm text-red-700 dark:text-red-300">
          A saga in the link was not found: pick from your recent runs instead.
        </p>
      )}
      {choices.length === 0 ? (
        <p className="mt-3 text-sm text-slate-600 dark:text-slate-300">No other runs in your demo yet: place a few orders on the dashboard first.</p>
      ) : (
        <ul className="mt-3 divide-y divide-slate-100 text-sm dark:divide-slate-800">
          {choices.map((saga) => (
            <li key={saga.id} className="flex flex-wrap items-center justify-between gap-2 py-2">
              <span className="flex items-center gap-2">
                <OrderStatusBadge status={saga.status} />
                <span className="font-mono text-xs">{shortId(saga.id)}</span>
                {saga.error && <span className="text-slate-600 dark:text-slate-300">{saga.error}</span>}
              </span>
              {a ? (
                <Link data-testid="pick-run" href={`/compare?a=${encodeURIComponent(a)}&b=${encodeURIComponent(saga.id)}`} className={linkClass}>
                  Compare with this run
                </Link>
              ) : (
                <Link data-testid="pick-run" href={`/compare?a=${encodeURIComponent(saga.id)}`} className={linkClass}>
                  Pick this one first
                </Link>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
