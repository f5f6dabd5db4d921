"use client";
import { formatDollars } from "@/lib/client/format";
import { scenarios, type Scenario } from "@/lib/orders/scenarios";

const outcomeDot: Record<Scenario["outcome"], string> = { completed: "bg-emerald-500", failed: "bg-red-500", stuck: "bg-orange-500" };

/**
 * The seed's four scenarios and five with injected failures (two at a service's boundary); choosing one fills the order form, and
 * "Place order" runs it. Compact chips of one line each, so that "Place order" stays on a laptop's
 * first screen: the chosen scenario's description and order are shown once, below them.
 */
export function ScenarioPresets({ selected, onPick }: { selected: Scenario["id"] | null; onPick: (scenario: Scenario) => void }) {
  const chosen = scenarios.find((scenario) => scenario.id === selected);
  return (
    <fieldset className="min-w-0">
      <legend className="text-sm font-medium">Scenarios</legend>
      <p className="text-xs text-slate-500 dark:text-slate-400">
        Each fills the form; the last five inject failures. Start from a reset demo.
      </p>
      <div className="mt-2 grid grid-cols-2 gap-2 sm:grid-cols-3 lg:grid-cols-2 xl:grid-cols-3">
        {scenarios.map((scenario) => {
          const pressed = selected === scenario.id;
          return (
            <button
              key={scenario.id}
              type="button"
              aria-pressed={pressed}
              onClick={() => onPick(scenario)}
              title={scenario.description}
              data-testid={`scenario-${scenario.id}`}
              className={`flex min-h-9 min-w-0 items-start gap-2 rounded-lg border px-2.5 py-1.5 text-left text-sm font-semibold leading-tight transition-colors focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-sky-500 motion-reduce:transition-none ${
                pressed
                  ? "border-sky-500 bg-sky-50 dark:border-sky-400 dark:bg-sky-950"
                  : "border-slate-200 hover:border-slate-400 hover:bg-slate-50 dark:border-slate-700 dark:hover:border-slate-500 dark:hover:bg-slate-800"
              }`}
            >
              <span aria-hidden className={`mt-1.5 size-2 shrink-0 rounded-full ${outcomeDot[scenario.outcome]}`} />
              <span className="min-w-0">{scenario.title}</span>
              <span className="sr-only">: {scenario.description}</span>
            </button>
          );
        })}
      </div>
      {/* Two lines reserved, so choosing a scenario does not move the form below. */}
      <p data-testid="scenario-description" className="mt-2 min-h-10 text-xs text-slate-600 dark:text-slate-300">
        {chosen ? (
          <>
            {chosen.description}{" "}
            <span className="whitespace-nowrap font-mono text-[11px] text-slate-500 dark:text-slate-400">
              ({chosen.order.user_id} · {chosen.order.product_id} · ×{chosen.order.quantity} · {formatDollars(chosen.order.amount)})
            </span>
          </>
        ) : (
          "Pick a scenario to see what it shows, or fill the form yourself."
        )}
      </p>
    </fieldset>
  );
}
