/**
 * Two runs side by side, aligned by step: each step's outcome in each run, the step where they part
 * ways, what each run undid (in the order it undid it), and each run's ledger. Rendered on the server
 * from the two event logs.
 */
import Link from "next/link";
import type { RunStory } from "@/lib/orders/run-story";
import { formatDelta, ledgerEntries, ledgerLines } from "@/lib/view/ledger";
import { humanize } from "@/lib/view/outline";
import { replay, type LogEvent } from "@/lib/view/replay";
import { formatDollars, orderLine, readableError, sagaLabel } from "@/lib/client/format";
import { LocalTime } from "./local-time";
import { OrderStatusBadge } from "./order-status-badge";

/** How a step went going forward, whatever was undone afterwards. */
function forward(status: string): string {
  if (status === "compensating" || status === "compensated" || status === "compensation_failed") return "completed";
  if (status === "pending") return "was not reached";
  return status;
}

function summarize(run: RunStory) {
  const events = run.events as LogEvent[];
  const state = replay(run.outline, events);
  const lines = ledgerLines(ledgerEntries(run.effects, events, run.outline));
  const undone = events.filter(
    (event) => event.phase === "compensation" && (event.outcome === "compensated" || event.outcome === "compensation_failed"),
  );
  return { run, state, lines, undone };
}

const linkClass =
  "rounded text-sky-700 underline-offset-2 hover:underline focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-sky-500 dark:text-sky-300";

export function CompareRuns({ left, right, names }: { left: RunStory; right: RunStory; names: Record<string, string> }) {
  const runs = [summarize(left), summarize(right)] as const;
  const count = Math.max(...runs.map(({ state }) => state.steps.length));
  const rows = Array.from({ length: count }, (_, position) => runs.map(({ state }) => state.steps[position]));
  // Where the runs went different ways going forward: a step undone later had still completed.
  const diverge = rows.findIndex(
    ([a, b]) => !a || !b || a.name !== b.name || forward(a.status) !== forward(b.status) || (a.status === "failed" && a.error !== b.error),
  );
  const [a, b] = rows[diverge] ?? [];
  const said = (step: (typeof rows)[number][number]) =>
    step ? `${forward(step.status)}${step.status === "failed" && step.error ? ` (${readableError(step.error)})` : ""}` : "did not exist";
  const divergence =
    diverge < 0
      ? "The two runs went the same way at every step."
      : `They part ways at ${humanize((a ?? b)!.name)}: in A it ${said(a)}; in B it ${said(b)}.`;

  return (
    <div className="space-y-6">
      <p
        data-testid="divergence"
        className="rounded-xl bg-sky-50 p-4 text-sm font-medium text-sky-900 dark:bg-sky-950/50 dark:text-sky-100"
      >
        {divergence}
      </p>
      <div className="grid grid-cols-1 gap-4 md:grid-cols-2">
        {runs.map(({ run, state }, index) => (
          <section
            key={run.saga.id}
            data-testid="compare-run"
            aria-label={`Run ${index === 0 ? "A" : "B"}`}
            className="rounded-2xl border border-slate-200 bg-white p-4 shadow-sm dark:border-slate-800 dark:bg-slate-900"
          >
            <h2 className="flex items-center gap-2 text-lg font-semibold">
              {index === 0 ? "A" : "B"} <OrderStatusBadge status={state.status} />
            </h2>
            <p data-testid="compare-run-order" className="mt-1 font-medium">
              {orderLine(run.order, names)}{" "}
              <span className="font-normal text-slate-600 dark:text-slate-300">· {formatDollars(run.order.amount.cents / 100)}</span>
            </p>
            <p className="font-mono text-xs text-slate-500 wrap-anywhere dark:text-slate-400">
              {run.order.user_id} · {run.order.product_id} · <LocalTime iso={run.order.created_at} /> · {sagaLabel(run.saga.id)}
            </p>
            {state.error && <p className="mt-1 text-sm text-red-700 wrap-anywhere dark:text-red-300">{readableError(state.error)}</p>}
            <Link href={`/timeline/${encodeURIComponent(run.saga.id)}`} className={`mt-2 inline-block text-sm ${linkClass}`}>
              Timeline of {sagaLabel(run.saga.id)}
            </Link>
          </section>
        ))}
      </div>

      <section
        aria-labelledby="steps-heading"
        className="rounded-2xl border border-slate-200 bg-white p-4 shadow-sm sm:p-5 dark:border-slate-800 dark:bg-slate-900"
      >
        <h2 id="steps-heading" className="text-lg font-semibold">
          Step by step
        </h2>
        <div className="mt-3 overflow-x-auto">
          <table className="w-full min-w-[32rem] text-left text-sm">
            <thead className="border-b border-slate-200 text-xs uppercase tracking-wide text-slate-500 dark:border-slate-800 dark:text-slate-400">
              <tr>
                <th scope="col" className="py-2 pr-3 font-medium">
                  Step
                </th>
                <th scope="col" className="py-2 pr-3 font-medium">
                  A
                </th>
                <th scope="col" className="py-2 font-medium">
                  B
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map(([stepA, stepB], position) => (
                <tr
                  key={position}
                  data-testid="compare-row"
                  data-diverges={position === diverge ? "true" : undefined}
                  className={`border-b border-slate-100 last:border-0 dark:border-slate-800/70 ${position === diverge ? "bg-amber-50 dark:bg-amber-950/40" : ""}`}
                >
                  <th scope="row" className="py-2 pr-3 font-medium">
                    {humanize((stepA ?? stepB)!.name)}
                    {position === diverge && (
                      <span className="ml-2 text-xs font-semibold text-amber-800 dark:text-amber-200">they diverge here</span>
                    )}
                  </th>
                  {[stepA, stepB].map((step, side) => (
                    <td key={side} className="py-2 pr-3" data-testid={`compare-cell-${side === 0 ? "a" : "b"}`} data-status={step?.status}>
                      {step ? (
                        <span className="flex flex-col gap-0.5">
                          <OrderStatusBadge status={step.status} />
                          {step.error && (
                            <span className="text-xs text-red-700 wrap-anywhere dark:text-red-300">{readableError(step.error)}</span>
                          )}
                        </span>
                      ) : (
                        "—"
                      )}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>

      <div className="grid grid-cols-1 gap-4 md:grid-cols-2">
        {runs.map(({ run, lines, undone }, index) => (
          <section
            key={run.saga.id}
            aria-label={`What run ${index === 0 ? "A" : "B"} undid and moved`}
            className="rounded-2xl border border-slate-200 bg-white p-4 text-sm shadow-sm dark:border-slate-800 dark:bg-slate-900"
          >
            <h2 className="text-lg font-semibold">{index === 0 ? "A" : "B"}: undone and moved</h2>
            <h3 className="mt-3 font-medium">Compensations, in the order they ran</h3>
            {undone.length === 0 ? (
              <p className="text-slate-600 dark:text-slate-300">Nothing was undone.</p>
            ) : (
              <ol data-testid={`compensations-${index === 0 ? "a" : "b"}`} className="mt-1 list-decimal pl-5">
                {undone.map((event) => (
                  <li key={event.id}>
                    <span className="font-mono text-xs">{run.outline.steps[event.position ?? 0]?.compensation ?? event.step}</span>{" "}
                    {event.outcome === "compensated" ? "" : "(gave up)"}
                  </li>
                ))}
              </ol>
            )}
            <h3 className="mt-3 font-medium">Ledger</h3>
            {lines.length === 0 ? (
              <p className="text-slate-600 dark:text-slate-300">Nothing moved.</p>
            ) : (
              <ul className="mt-1 space-y-1">
                {lines.map((line) => (
                  <li
                    key={`${line.kind}:${line.account}`}
                    data-testid={`compare-ledger-${index === 0 ? "a" : "b"}`}
                    className="flex justify-between gap-3"
                  >
                    <span>
                      <span className="font-mono">{line.account}</span>:{" "}
                      {line.entries.map((entry) => formatDelta(line.kind, entry.delta)).join(", ")}
                    </span>
                    <span className="font-semibold tabular-nums">{formatDelta(line.kind, line.total)}</span>
                  </li>
                ))}
              </ul>
            )}
          </section>
        ))}
      </div>
    </div>
  );
}
