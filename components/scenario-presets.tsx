"use client";
import { formatDollars } from "@/lib/client/format";
import { scenarios, type Scenario } from "@/lib/orders/scenarios";

const outcomeDot: Record<Scenario["outcome"], string> = { completed: "bg-emerald-500", failed: "bg-red-500", stuck: "bg-orange-500" };

/** The seed's four scenarios and three with injected failures; choosing one fills the order form, and "Place order" runs it. */
export function ScenarioPresets({ selected, onPick }: { selected: Scenario["id"] | null; onPick: (scenario: Scenario) => void }) {
  return (
    <fieldset className="min-w-0">
      <legend className="text-sm font-medium">Scenarios</legend>
      <p className="text-xs text-slate-500 dark:text-slate-400">
        Each fills the form with one of the seed&apos;s orders (the last three also inject failures); start from a reset demo.
      </p>
      <div className="mt-2 grid gap-2 sm:grid-cols-2">
        {scenarios.map((scenario) => {
          const pressed = selected === scenario.id;
          const { user_id, product_id, quantity, amount } = scenario.order;
          return (
            <button
              key={scenario.id}
              type="button"
              aria-pressed={pressed}
              onClick={() => onPick(scenario)}
              data-testid={`scenario-${scenario.id}`}
              className={`rounded-lg border p-3 text-left transition-colors focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-sky-500 motion-reduce:transition-none ${
                pressed
                  ? "border-sky-500 bg-sky-50 dark:border-sky-400 dark:bg-sky-950"
                  : "border-slate-200 hover:border-slate-400 hover:bg-slate-50 dark:border-slate-700 dark:hover:border-slate-500 dark:hover:bg-slate-800"
              }`}
            >
              <span className="flex items-center gap-2 text-sm font-semibold">
                <span
                  aria-hidden
                  className={`size-2 shrink-0 rounded-full ${outcomeDot[scenario.outcome]}`}
                />
                {scenario.title}
              </span>
              <span className="mt-1 block text-xs text-slate-600 dark:text-slate-300">{scenario.description}</span>
              <span className="mt-1 block font-mono text-[11px] text-slate-500 dark:text-slate-400">
                {user_id} · {product_id} · ×{quantity} · {formatDollars(amount)}
              </span>
            </button>
          );
        })}
      </div>
    </fieldset>
  );
}
