"use client";
/**
 * The live part of the timeline page: one saga's order, status, Gantt chart, run diagram and event
 * log, all folded from the saga's event stream, so they change as the saga runs without a reload. The
 * server component above it has already checked that the saga exists and read the order.
 */
import { useMemo, type ReactNode } from "react";
import { formatDollars } from "@/lib/client/format";
import { useSagaStream } from "@/lib/client/hooks";
import { sagaRunDiagram } from "@/lib/view/diagrams";
import type { SagaOutline } from "@/lib/view/outline";
import { isTerminal } from "@/lib/view/replay";
import { formatDuration } from "@/lib/view/run-diagram";
import type { SagaStatus } from "@/lib/saga/status";
import { EventLog } from "./event-log";
import { MermaidDiagram } from "./mermaid-diagram";
import { OrderStatusBadge } from "./order-status-badge";
import { SagaGantt } from "./saga-gantt";
import { RetrySagaButton } from "./retry-saga-button";
import { SagaStatusBadge } from "./saga-status-badge";

/** The order's fields as the page shows them: plain values, so they cross from server to client. */
export interface RunOrder {
  id: string;
  user_id: string;
  product_id: string;
  quantity: number;
  amount: number;
}

export function SagaRun({ sagaId, outline, order, initialStatus }: { sagaId: string; outline: SagaOutline; order: RunOrder; initialStatus: SagaStatus }) {
  const { state, events, status: stream } = useSagaStream(sagaId, outline);
  // Until the stream's first event arrives, show what the server read.
  const status = events.length > 0 ? state.status : initialStatus;
  const diagram = useMemo(() => sagaRunDiagram(outline, state), [outline, state]);
  const finished = isTerminal(status);
  const took = formatDuration(state.startedAt, state.finishedAt);
  const hint = finished
    ? `${took ? `Finished in ${took}` : "Finished"} · ${events.length} events`
    : stream === "open"
      ? "Live: following the event stream"
      : stream === "closed"
        ? "The live stream stopped; reload the page to see where the saga is"
        : "Connecting to the event stream…";

  return (
    <div className="space-y-6">
      <div className="grid grid-cols-1 gap-6 lg:grid-cols-[minmax(0,20rem)_minmax(0,1fr)]">
        <div className="space-y-4">
          <div aria-live="polite">
            <SagaStatusBadge status={status} error={state.error} hint={hint} />
          </div>
          {status === "compensation_failed" && <RetrySagaButton sagaId={sagaId} />}
          <Card title="Order" headingId="order-heading">
            <dl className="grid grid-cols-[auto_minmax(0,1fr)] gap-x-4 gap-y-2 text-sm" data-testid="order-details">
              <Field name="User">
                <span data-testid="order-user" className="break-all font-mono">{order.user_id}</span>
              </Field>
              <Field name="Product">
                <span data-testid="order-product" className="break-all font-mono">{order.product_id}</span>
              </Field>
              <Field name="Quantity">
                <span data-testid="order-quantity" className="tabular-nums">{order.quantity}</span>
              </Field>
              <Field name="Amount">
                <span data-testid="order-amount" className="tabular-nums">{formatDollars(order.amount)}</span>
              </Field>
              <Field name="Status">
                <span data-testid="order-status" data-status={status}>
                  <OrderStatusBadge status={status} />
                </span>
              </Field>
              <Field name="Order id">
                <span className="break-all font-mono text-xs">{order.id}</span>
              </Field>
            </dl>
          </Card>
        </div>
        <Card title="Timeline" headingId="gantt-heading" note="Each step and each compensation, on one time axis from the saga's first event.">
          <SagaGantt outline={outline} events={events} />
        </Card>
      </div>
      {/* One above the other: beside the diagram, the event log's columns were cut off even at 1400 px. */}
      <div className="grid grid-cols-1 gap-6">
        <Card title="Run diagram" headingId="diagram-heading" note="The path this run took: green completed, red failed, amber compensated (dashed while compensating), blue running, grey not reached.">
          <MermaidDiagram source={diagram} label={`The path of saga ${sagaId}: ${status}`} />
        </Card>
        <Card
          title="Event log"
          headingId="log-heading"
          note={
            <>
              Every transition the saga recorded, as <code className="font-mono">GET /sagas/{"{id}"}/events</code> returns it.{" "}
              <a
                href={`/api/sagas/${encodeURIComponent(sagaId)}/events`}
                className="rounded text-sky-700 underline-offset-2 hover:underline focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-sky-500 dark:text-sky-300"
              >
                JSON
              </a>
            </>
          }
        >
          <EventLog events={events} />
        </Card>
      </div>
    </div>
  );
}

function Card({ title, headingId, note, children }: { title: string; headingId: string; note?: ReactNode; children: ReactNode }) {
  return (
    <section aria-labelledby={headingId} className="rounded-2xl border border-slate-200 bg-white p-4 shadow-sm sm:p-5 dark:border-slate-800 dark:bg-slate-900">
      <h2 id={headingId} className="text-lg font-semibold">
        {title}
      </h2>
      {note && <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">{note}</p>}
      <div className="mt-4">{children}</div>
    </section>
  );
}

function Field({ name, children }: { name: string; children: ReactNode }) {
  return (
    <>
      <dt className="text-slate-500 dark:text-slate-400">{name}</dt>
      <dd className="min-w-0">{children}</dd>
    </>
  );
}
