import type { Metadata } from "next";
import { MermaidDiagram } from "@/components/mermaid-diagram";
import { SiteHeader } from "@/components/site-header";
import { orderSaga } from "@/lib/orders/order-saga";
import { workflowDiagrams, type ScenarioExamples } from "@/lib/view/diagrams";
import { outline } from "@/lib/view/outline";

export const metadata: Metadata = { title: "Workflow · Saga Studio" };

// The seed's scenarios (docs/API.md), and one for a failure of the first step; a step without an
// example still gets its scenario, described in general terms.
const examples: ScenarioExamples = {
  success: { title: "Valid Order", order: "user_1, product_1, qty=2, $100" },
  validate_order: { title: "Unknown User", order: "user_9, product_1, qty=1, $10" },
  reserve_inventory: { title: "Insufficient Inventory", order: "user_1, product_1, qty=200" },
  process_payment: { title: "Insufficient Funds", order: "user_3, product_1, qty=1, $500" },
  ship_order: { title: "Shipping Failure", order: "user_3, product_1, qty=1, $50" },
};

const explanations: Record<string, string> = {
  "main-workflow":
    "How a POST /orders runs: each step either completes and hands over to the next, " +
    "or fails and starts compensation of the steps before it, last first.",
  "service-interactions": "What each step's service does when it runs, and what its compensation does to undo it.",
  "api-data-flow": "Which endpoint reads or writes which data, including the saga's live event stream.",
  "status-transitions":
    "The statuses a saga and its order move through, from pending to completed, or through compensating to failed, " +
    "or to compensation_failed until an operator retries.",
  "test-scenarios": "The outcome of a success and of a failure at each step, with the compensations each failure runs.",
  sequence: "The same saga as messages between the client, the API, the orchestrator and each step's service, one alternative per step.",
};

export default function WorkflowPage() {
  const diagrams = workflowDiagrams(outline(orderSaga), examples);
  return (
    <>
      <SiteHeader />
      <main className="mx-auto max-w-7xl px-4 py-8 sm:px-6">
        <h1 className="text-2xl font-semibold sm:text-3xl">Workflow</h1>
        <p className="mt-2 max-w-3xl text-slate-600 dark:text-slate-300">
          The seed&apos;s six diagrams of the order saga, generated from its definition: add a step to the saga and every diagram below
          shows it.
        </p>
        <nav aria-label="Diagrams" className="mt-4">
          <ul className="flex flex-wrap gap-2 text-sm">
            {diagrams.map((diagram) => (
              <li key={diagram.id}>
                <a
                  href={`#${diagram.id}`}
                  className="inline-block rounded-full border border-slate-300 px-3 py-1 hover:bg-slate-100 focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-sky-500 dark:border-slate-700 dark:hover:bg-slate-800"
                >
                  {diagram.title}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <div className="mt-8 space-y-8">
          {diagrams.map((diagram) => (
            <section
              key={diagram.id}
              id={diagram.id}
              aria-labelledby={`${diagram.id}-heading`}
              className="scroll-mt-6 rounded-2xl border border-slate-200 bg-white p-4 shadow-sm sm:p-6 dark:border-slate-800 dark:bg-slate-900"
            >
              <h2 id={`${diagram.id}-heading`} className="text-xl font-semibold">
                {diagram.title}
              </h2>
              <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">{explanations[diagram.id]}</p>
              <MermaidDiagram source={diagram.source} label={diagram.title} className="mt-4" />
            </section>
          ))}
        </div>
      </main>
    </>
  );
}
