"use client";
import { useChangeHighlights, type Highlight } from "@/lib/client/use-change-highlights";

interface LiveValuesCardProps {
  title: string;
  /** data-testid of each value: `${testIdPrefix}-${id}`, e.g. stock-product_1. */
  testIdPrefix: string;
  values: Record<string, number> | undefined;
  failed: boolean;
  names: Record<string, string>;
  format: (value: number) => string;
  describeChange: (highlight: Highlight) => string;
  resetRequestedAt: number | null;
}

/**
 * A card of named values that the live stream keeps current (stock, balances). Each change is flashed
 * beside its value for a few seconds with its delta; rows have a fixed height so nothing jumps.
 */
export function LiveValuesCard({
  title,
  testIdPrefix,
  values,
  failed,
  names,
  format,
  describeChange,
  resetRequestedAt,
}: LiveValuesCardProps) {
  const highlights = useChangeHighlights(values, resetRequestedAt);
  const headingId = `${testIdPrefix}-heading`;
  return (
    <section
      aria-labelledby={headingId}
      className="rounded-2xl border border-slate-200 bg-white p-4 shadow-sm dark:border-slate-800 dark:bg-slate-900"
    >
      <h2 id={headingId} className="text-base font-semibold">
        {title}
      </h2>
      {failed && !values ? (
        <p className="mt-3 text-sm text-red-700 dark:text-red-300">Could not load {title.toLowerCase()}.</p>
      ) : (
        <ul className="mt-2 space-y-1" aria-busy={!values}>
          {values
            ? Object.entries(values).map(([id, value]) => (
                <ValueRow
                  key={id}
                  id={id}
                  name={names[id]}
                  value={format(value)}
                  testId={`${testIdPrefix}-${id}`}
                  highlight={highlights[id]}
                  describeChange={describeChange}
                />
              ))
            : [0, 1, 2].map((slot) => (
                <li key={slot} className="h-14 rounded-lg bg-slate-100 motion-safe:animate-pulse dark:bg-slate-800" />
              ))}
        </ul>
      )}
    </section>
  );
}

function ValueRow({
  id,
  name,
  value,
  testId,
  highlight,
  describeChange,
}: {
  id: string;
  name: string | undefined;
  value: string;
  testId: string;
  highlight: Highlight | undefined;
  describeChange: (highlight: Highlight) => string;
}) {
  const tone = !highlight
    ? ""
    : highlight.cause === "reset"
      ? "text-slate-600 dark:text-slate-300"
      : highlight.delta < 0
        ? "text-red-700 dark:text-red-300"
        : "text-emerald-700 dark:text-emerald-300";
  return (
    <li
      className={`flex h-14 items-center justify-between gap-3 rounded-lg px-2 transition-colors duration-500 motion-reduce:transition-none ${
        highlight ? "bg-amber-50 ring-1 ring-amber-300 dark:bg-amber-950/40 dark:ring-amber-700" : ""
      }`}
    >
      <div className="min-w-0">
        <p className="truncate text-sm font-medium">{name ?? id}</p>
        <p className="truncate font-mono text-xs text-slate-500 dark:text-slate-400">{id}</p>
      </div>
      <div className="flex shrink-0 flex-col items-end">
        <span data-testid={testId} className="text-lg font-semibold tabular-nums">
          {value}
        </span>
        <span data-testid={`${testId}-change`} className={`h-4 text-xs font-semibold leading-4 tabular-nums ${tone}`}>
          {highlight && (
            <span key={highlight.key} className="motion-safe:animate-highlight">
              {describeChange(highlight)}
            </span>
          )}
        </span>
      </div>
    </li>
  );
}
