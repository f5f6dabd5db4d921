"use client";
/**
 * One run's story, from its event log: status, order, timeline (Gantt), the run's path and its sequence
 * of messages, the ledger of what it moved, why each transition happened with the service's own log
 * line, and the event log. A replay cursor runs over the events: every part shows the run as it was at
 * the chosen event, computed from the log alone. The same view serves a live saga (the timeline page
 * follows its stream) and an imported file (no server at all).
 */
import Link from "next/link";
import { useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import { formatDollars } from "@/lib/client/format";
import type { SagaPause } from "@/lib/client/hooks";
import type { SagaStatus } from "@/lib/saga/status";
import { sagaRunDiagram } from "@/lib/view/diagrams";
import {
  formatDelta,
  ledgerEntries,
  ledgerLines,
  serviceLedgerEntries,
  valuesAt,
  type ServiceRecord,
  type StepEffects,
} from "@/lib/view/ledger";
import type { SagaOutline } from "@/lib/view/outline";
import { humanize } from "@/lib/view/outline";
import { isTerminal, replay, type LogEvent } from "@/lib/view/replay";
import { formatDuration } from "@/lib/view/run-diagram";
import { exportRun } from "@/lib/view/run-export";
import { sagaSequenceDiagram } from "@/lib/view/sequence";
import { runHeadline, why } from "@/lib/view/why";
import { EventLog } from "./event-log";
import { MermaidDiagram } from "./mermaid-diagram";
import { OrderStatusBadge } from "./order-status-badge";
import { RetrySagaButton } from "./retry-saga-button";
import { ContinueButton, PauseText } from "./saga-pause";
import { SagaGantt } from "./saga-gantt";
import { SagaStatusBadge } from "./saga-status-badge";

/** The order's fields as the page shows them: plain values, so they cross from server to client. */
export interface RunOrder {
  id: string;
  user_id: string;
  product_id: string;
  quantity: number;
  amount: number;
}

export interface RunViewProps {
  sagaId: string;
  outline: SagaOutline;
  order: RunOrder;
  events: LogEvent[];
  effects: StepEffects;
  before: Record<string, number> | null;
  definitionVersion: string;
  /** Before the first event arrives: the status the server read. */
  initialStatus: SagaStatus;
  /** For a live saga: what the stream is doing; absent for an imported run. */
  live?: "connecting" | "open" | "closed";
  /** For a live step-by-step saga: the pause it waits in now, if it waits. */
  pause?: SagaPause | null;
  /** What each service holds for the order, once read: the ledger is drawn from it. Absent: from the log. */
  serviceRecords?: ServiceRecord[];
}

const SPEEDS = [0.5, 1, 2, 4] as const;
const EVENT_MS = 700;

function download(name: string, type: string, content: string) {
  const url = URL.createObjectURL(new Blob([content], { type }));
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1_000);
}

function transitionLabel(event: LogEvent): string {
  const what = event.step ? humanize(event.step) : "Saga";
  return `${what}: ${event.phase === "compensation" ? `compensation ${event.outcome}` : event.outcome}`;
}

export function RunView({
  sagaId,
  outline,
  order,
  events,
  effects,
  before,
  definitionVersion,
  initialStatus,
  live,
  pause = null,
  serviceRecords,
}: RunViewProps) {
  // null: follow the newest event (live); a number: the replay cursor, an index into `events`.
  const [cursor, setCursor] = useState<number | null>(null);
  const [playing, setPlaying] = useState(false);
  const [speed, setSpeed] = useState<(typeof SPEEDS)[number]>(1);
  const last = events.length - 1;
  const at = cursor === null ? last : Math.min(cursor, last);
  const shown = useMemo(() => events.slice(0, at + 1), [events, at]);
  const state = useMemo(() => replay(outline, shown), [outline, shown]);
  const status = shown.length > 0 ? state.status : initialStatus;

  useEffect(() => {
    if (!playing) return;
    if (at >= last) {
      // eslint-disable-next-line react-hooks/set-state-in-effect -- playback stops at the last event, however the cursor got there
      setPlaying(false);
      return;
    }
    const timer = setTimeout(() => setCursor(at + 1), EVENT_MS / speed);
    return () => clearTimeout(timer);
  }, [playing, at, last, speed]);

  const services = useMemo(() => Object.fromEntries(outline.steps.filter((s) => s.service).map((s) => [s.name, s.service!])), [outline]);
  const sequence = useMemo(() => sagaSequenceDiagram(outline, shown, { services, order }), [outline, shown, services, order]);
  const flowchart = useMemo(() => sagaRunDiagram(outline, state), [outline, state]);
  // The services' own records when they have answered; the log's reckoning otherwise (an imported run).
  const logged = useMemo(() => ledgerEntries(effects, shown, outline), [effects, shown, outline]);
  const entries = useMemo(
    () => (serviceRecords ? serviceLedgerEntries(serviceRecords, shown, outline) : logged),
    [serviceRecords, shown, outline, logged],
  );
  const lines = useMemo(() => ledgerLines(entries), [entries]);
  const disagreement = useMemo(() => (serviceRecords ? differences(ledgerLines(logged), lines) : []), [serviceRecords, logged, lines]);
  const values = before && shown.length > 0 ? valuesAt(before, entries, shown[shown.length - 1].id) : before;
  const sequenceFrame = useRef<HTMLDivElement>(null);

  const finished = isTerminal(status);
  const took = formatDuration(state.startedAt, state.finishedAt);
  const replaying = cursor !== null && at < last;
  const hint = replaying
    ? `Replay: event ${at + 1} of ${events.length}`
    : live === undefined
      ? `Imported run · ${events.length} events`
      : finished
        ? `${took ? `Finished in ${took}` : "Finished"} · ${events.length} events`
        : live === "open"
          ? pause
            ? "Live: paused on the server until you continue it"
            : "Live: following the event stream"
          : live === "closed"
            ? "The live stream stopped; reload the page to see where the saga is"
            : "Connecting to the event stream…";

  const exported = () =>
    JSON.stringify(
      exportRun({ order, saga: { id: sagaId, status, definition_version: definitionVersion }, outline, effects, before, events }),
      null,
      2,
    );
  const base = `saga-${sagaId.slice(0, 8)}`;

  return (
    <div className="space-y-6">
      <Card
        title="Replay"
        headingId="replay-heading"
        note="Move through the run's events: every part of this page shows the run as it was at that event, from the event log alone."
      >
        <ReplayControls
          count={events.length}
          at={at}
          playing={playing}
          speed={speed}
          following={cursor === null}
          onSeek={(index) => {
            setPlaying(false);
            setCursor(index);
          }}
          onPlay={() => {
            if (at >= last) setCursor(0);
            else setCursor(at);
            setPlaying((p) => !p);
          }}
          onSpeed={setSpeed}
          onFollow={() => {
            setPlaying(false);
            setCursor(null);
          }}
          live={live !== undefined}
        />
        {shown.length > 0 && (
          <p data-testid="replay-position" className="mt-3 text-sm text-slate-700 dark:text-slate-300">
            <span className="font-medium">
              Event {at + 1} of {events.length}
            </span>
            : {transitionLabel(shown[shown.length - 1])}. <span data-testid="replay-why">{why(outline, events, at)}</span>
          </p>
        )}
      </Card>

      <div className="grid grid-cols-1 gap-6 lg:grid-cols-[minmax(0,20rem)_minmax(0,1fr)]">
        <div className="space-y-4">
          <div aria-live="polite">
            <SagaStatusBadge status={status} error={state.error} hint={hint} />
          </div>
          {live !== undefined && status === "compensation_failed" && !replaying && <RetrySagaButton sagaId={sagaId} />}
          {live !== undefined && pause && !replaying && <PauseCard sagaId={sagaId} outline={outline} pause={pause} />}
          <Card title="Order" headingId="order-heading">
            <dl className="grid grid-cols-[auto_minmax(0,1fr)] gap-x-4 gap-y-2 text-sm" data-testid="order-details">
              <Field name="User">
                <span data-testid="order-user" className="break-all font-mono">
                  {order.user_id}
                </span>
              </Field>
              <Field name="Product">
                <span data-testid="order-product" className="break-all font-mono">
                  {order.product_id}
                </span>
              </Field>
              <Field name="Quantity">
                <span data-testid="order-quantity" className="tabular-nums">
                  {order.quantity}
                </span>
              </Field>
              <Field name="Amount">
                <span data-testid="order-amount" className="tabular-nums">
                  {formatDollars(order.amount)}
                </span>
              </Field>
              <Field name="Status">
                <span data-testid="order-status" data-status={status}>
                  <OrderStatusBadge status={status} />
                </span>
              </Field>
              <Field name="Order id">
                <span className="break-all font-mono text-xs">{order.id}</span>
              </Field>
              <Field name="Definition">
                <span
                  data-testid="definition-version"
                  className="break-all font-mono text-xs"
                  title="The version of the saga definition this run used: a digest of its steps and compensations"
                >
                  {outline.name}@{definitionVersion || "unversioned"}
                </span>
              </Field>
            </dl>
          </Card>
          <Card
            title="Export"
            headingId="export-heading"
            note="This run as files: the JSON opens again with Import and replays the same way."
          >
            <div className="flex flex-wrap gap-2">
              <ExportButton testId="export-json" onClick={() => download(`${base}.json`, "application/json", exported())}>
                JSON
              </ExportButton>
              <ExportButton testId="export-sequence" onClick={() => download(`${base}-sequence.mmd`, "text/plain", sequence)}>
                Sequence (Mermaid)
              </ExportButton>
              <ExportButton testId="export-flowchart" onClick={() => download(`${base}-flowchart.mmd`, "text/plain", flowchart)}>
                Flowchart (Mermaid)
              </ExportButton>
              <ExportButton
                testId="export-svg"
                onClick={() => {
                  const svg = sequenceFrame.current?.querySelector("svg");
                  if (svg) download(`${base}-sequence.svg`, "image/svg+xml", new XMLSerializer().serializeToString(svg));
                }}
              >
                SVG
              </ExportButton>
            </div>
            <p className="mt-3 flex flex-wrap gap-x-4 gap-y-1 text-sm">
              <Link href="/timeline/import" className={linkClass}>
                Import a run
              </Link>
              {live !== undefined && (
                <Link href={`/compare?a=${encodeURIComponent(sagaId)}`} className={linkClass} data-testid="compare-link">
                  Compare with another run
                </Link>
              )}
            </p>
          </Card>
        </div>
        <Card
          title="Timeline"
          headingId="gantt-heading"
          note="Each step and each compensation, on one time axis from the saga's first event."
        >
          <SagaGantt outline={outline} events={shown} all={events} live={live !== undefined} />
        </Card>
      </div>

      <div className="grid grid-cols-1 gap-6 xl:grid-cols-2">
        <Card
          title="Ledger"
          headingId="ledger-heading"
          note="Every movement of stock and money this run made, as an entry with a sign: a compensation is a new, opposite entry, not a deletion."
        >
          <Ledger
            lines={lines}
            values={values}
            order={order}
            status={status}
            source={serviceRecords ? "services" : "log"}
            disagreement={disagreement}
          />
        </Card>
        <Card
          title="What happened, and why"
          headingId="story-heading"
          note="The run in one line, then one sentence per transition, with the service's own log line where it did something."
        >
          <Story outline={outline} events={shown} all={events} replaying={replaying} />
        </Card>
      </div>

      <Card
        title="Sequence diagram"
        headingId="sequence-heading"
        note="Every request and answer of this run, in order, with the time since its first event."
      >
        <div ref={sequenceFrame} data-testid="sequence-diagram">
          <MermaidDiagram source={sequence} label={`The messages of saga ${sagaId}: ${status}`} />
        </div>
      </Card>
      <Card
        title="Run diagram"
        headingId="diagram-heading"
        note="The path this run took: green completed, red failed, amber compensated (dashed while compensating), blue running, grey not reached."
      >
        <MermaidDiagram source={flowchart} label={`The path of saga ${sagaId}: ${status}`} />
      </Card>
      <Card
        title="Event log"
        headingId="log-heading"
        note={
          live !== undefined ? (
            <>
              Every transition the saga recorded, as <code className="font-mono">GET /sagas/{"{id}"}/events</code> returns it.{" "}
              <a href={`/api/sagas/${encodeURIComponent(sagaId)}/events`} className={linkClass}>
                JSON
              </a>
            </>
          ) : (
            "Every transition the run recorded, as the file holds it."
          )
        }
      >
        <EventLog events={shown} />
      </Card>
    </div>
  );
}

/** A step-by-step saga waiting on the server: what it waits before, when it goes on by itself, and Continue. */
function PauseCard({ sagaId, outline, pause }: { sagaId: string; outline: SagaOutline; pause: SagaPause }) {
  return (
    <section
      aria-label="Step by step"
      data-testid="saga-pause"
      className="rounded-xl border border-sky-300 bg-sky-50 p-3 text-sm text-sky-950 dark:border-sky-700 dark:bg-sky-950 dark:text-sky-100"
    >
      <p className="font-semibold">Step by step: the saga waits for you</p>
      <PauseText outline={outline} pause={pause} otherwise="" testId="pause-line" className="mt-1 block" />
      <div className="mt-2 flex flex-wrap items-center gap-2">
        <ContinueButton
          sagaId={sagaId}
          pause={pause}
          label="Continue"
          testId="continue-saga"
          className="rounded-lg bg-sky-600 px-3 py-1.5 text-sm font-semibold text-white shadow-sm hover:bg-sky-700 focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-sky-500 focus-visible:ring-offset-2 disabled:cursor-not-allowed disabled:opacity-60 dark:focus-visible:ring-offset-slate-900"
        />
      </div>
    </section>
  );
}

const linkClass =
  "rounded text-sky-700 underline-offset-2 hover:underline focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-sky-500 dark:text-sky-300";
const buttonClass =
  "rounded-md border border-slate-300 bg-white px-2.5 py-1 text-sm font-medium hover:bg-slate-50 focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-sky-500 disabled:opacity-50 dark:border-slate-700 dark:bg-slate-900 dark:hover:bg-slate-800";

function ExportButton({ testId, onClick, children }: { testId: string; onClick: () => void; children: ReactNode }) {
  return (
    <button type="button" data-testid={testId} onClick={onClick} className={buttonClass}>
      {children}
    </button>
  );
}

function ReplayControls(props: {
  count: number;
  at: number;
  playing: boolean;
  speed: number;
  following: boolean;
  live: boolean;
  onSeek: (index: number) => void;
  onPlay: () => void;
  onSpeed: (speed: (typeof SPEEDS)[number]) => void;
  onFollow: () => void;
}) {
  const { count, at, playing, speed, following, live, onSeek, onPlay, onSpeed, onFollow } = props;
  const disabled = count === 0;
  return (
    <div className="flex flex-wrap items-center gap-2">
      <button
        type="button"
        className={buttonClass}
        disabled={disabled || at <= 0}
        onClick={() => onSeek(Math.max(0, at - 1))}
        aria-label="Previous event"
        data-testid="replay-back"
      >
        ◀
      </button>
      <button type="button" className={buttonClass} disabled={disabled} onClick={onPlay} data-testid="replay-play">
        {playing ? "Pause" : "Play"}
      </button>
      <button
        type="button"
        className={buttonClass}
        disabled={disabled || at >= count - 1}
        onClick={() => onSeek(Math.min(count - 1, at + 1))}
        aria-label="Next event"
        data-testid="replay-step"
      >
        ▶
      </button>
      <input
        type="range"
        min={0}
        max={Math.max(0, count - 1)}
        value={Math.max(0, at)}
        disabled={disabled}
        onChange={(event) => onSeek(Number(event.target.value))}
        aria-label="Replay position: the event shown"
        aria-valuetext={`Event ${at + 1} of ${count}`}
        data-testid="replay-slider"
        className="min-w-40 flex-1 accent-sky-600"
      />
      <label className="flex items-center gap-1 text-sm text-slate-600 dark:text-slate-300">
        Speed
        <select
          value={speed}
          onChange={(event) => onSpeed(Number(event.target.value) as (typeof SPEEDS)[number])}
          className="rounded border border-slate-300 bg-white px-1 py-0.5 dark:border-slate-700 dark:bg-slate-900"
        >
          {SPEEDS.map((s) => (
            <option key={s} value={s}>
              {s}x
            </option>
          ))}
        </select>
      </label>
      {live && (
        <button type="button" className={buttonClass} disabled={following} onClick={onFollow} data-testid="replay-live">
          {following ? "Following live" : "Back to live"}
        </button>
      )}
    </div>
  );
}

/**
 * The accounts whose totals differ between the log's reckoning and the services' records ("user_1:
 * -$100.00 in the services, $0.00 by the log"): none, when the services did what the log says.
 */
function differences(logged: ReturnType<typeof ledgerLines>, recorded: ReturnType<typeof ledgerLines>): string[] {
  const total = (lines: ReturnType<typeof ledgerLines>, kind: string, account: string) =>
    lines.find((line) => line.kind === kind && line.account === account)?.total ?? 0;
  const accounts = new Map([...logged, ...recorded].map((line) => [`${line.kind}:${line.account}`, line]));
  return [...accounts.values()]
    .filter(({ kind, account }) => total(logged, kind, account) !== total(recorded, kind, account))
    .map(
      ({ kind, account }) =>
        `${account}: ${formatDelta(kind, total(recorded, kind, account))} in the services, ${formatDelta(kind, total(logged, kind, account))} by the log`,
    );
}

function Ledger({
  lines,
  values,
  order,
  status,
  source,
  disagreement,
}: {
  lines: ReturnType<typeof ledgerLines>;
  values: Record<string, number> | null;
  order: RunOrder;
  status: SagaStatus;
  source: "services" | "log";
  disagreement: string[];
}) {
  const format = (kind: "stock" | "money", value: number) => (kind === "money" ? formatDollars(value / 100) : String(value));
  const accounts: { account: string; kind: "stock" | "money"; label: string }[] = [
    { account: order.product_id, kind: "stock", label: `${order.product_id} in stock` },
    { account: order.user_id, kind: "money", label: `${order.user_id}'s balance` },
  ];
  return (
    <div className="space-y-4 text-sm">
      <p data-testid="ledger-source" className="text-xs text-slate-500 dark:text-slate-400">
        {source === "services"
          ? "From the services' own records: the inventory service's reservation and the payment service's ledger for this order."
          : "Reckoned from the run's log: the services' own records are not at hand."}
      </p>
      {values && (
        <dl className="grid grid-cols-2 gap-3" data-testid="ledger-values">
          {accounts.map(({ account, kind, label }) => (
            <div key={account + kind} className="rounded-lg bg-slate-50 p-3 dark:bg-slate-800/60">
              <dt className="text-xs text-slate-500 dark:text-slate-400">{label}, at this event</dt>
              <dd data-testid={`value-${account}`} className="mt-1 text-lg font-semibold tabular-nums">
                {account in values ? format(kind, values[account]) : "—"}
              </dd>
            </div>
          ))}
        </dl>
      )}
      {lines.length === 0 ? (
        <p data-testid="ledger-empty" className="text-slate-500 dark:text-slate-400">
          No stock or money has moved yet.
        </p>
      ) : (
        lines.map((line) => {
          const settled = line.total === 0;
          const held = !settled && (status === "compensation_failed" || status === "compensating" || status === "processing");
          return (
            <div
              key={`${line.kind}:${line.account}`}
              data-testid="ledger-line"
              data-account={line.account}
              data-kind={line.kind}
              className="rounded-lg border border-slate-200 p-3 dark:border-slate-800"
            >
              <p className="font-medium">
                <span className="font-mono">{line.account}</span> · {line.kind === "stock" ? "stock (units)" : "money"}
              </p>
              <ol className="mt-2 space-y-1">
                {line.entries.map((entry) => (
                  <li key={`${entry.eventId}:${entry.account}`} data-testid="ledger-entry" className="flex justify-between gap-3">
                    <span className={entry.phase === "compensation" ? "text-amber-700 dark:text-amber-300" : ""}>
                      {entry.phase === "compensation" ? "↩ " : ""}
                      <span className="font-mono text-xs">{entry.name}</span>
                    </span>
                    <span
                      className={`tabular-nums font-medium ${entry.delta < 0 ? "text-red-700 dark:text-red-300" : "text-emerald-700 dark:text-emerald-300"}`}
                    >
                      {formatDelta(line.kind, entry.delta)}
                    </span>
                  </li>
                ))}
              </ol>
              <p className="mt-2 flex justify-between border-t border-slate-200 pt-2 dark:border-slate-800">
                <span>{settled ? "Total: nets to zero" : held ? "Total: still held" : "Total"}</span>
                <span data-testid="ledger-total" className="tabular-nums font-semibold">
                  {formatDelta(line.kind, line.total)}
                </span>
              </p>
            </div>
          );
        })
      )}
      {source === "services" &&
        isTerminal(status) &&
        (disagreement.length === 0 ? (
          <p data-testid="ledger-agreement" className="text-xs text-emerald-700 dark:text-emerald-300">
            ✓ The services&apos; records agree with the run&apos;s log: each line ends where the saga&apos;s steps say it should.
          </p>
        ) : (
          <p data-testid="ledger-agreement" className="text-xs text-amber-700 dark:text-amber-300">
            ⚠ The services&apos; records and the run&apos;s log differ: {disagreement.join("; ")}.
          </p>
        ))}
    </div>
  );
}

const headlineEdge: Record<SagaStatus, string> = {
  pending: "border-sky-400",
  processing: "border-sky-400",
  compensating: "border-amber-400",
  completed: "border-emerald-500",
  failed: "border-red-500",
  compensation_failed: "border-orange-500",
};

/**
 * The run's story: one line that sums the whole run up, then a sentence per transition. The list opens
 * at the failure (what the reader came for), with the compensations after it; while replaying, it keeps
 * the event shown in view; while a run without a failure is followed live, its newest event.
 */
function Story({ outline, events, all, replaying }: { outline: SagaOutline; events: LogEvent[]; all: LogEvent[]; replaying: boolean }) {
  const list = useRef<HTMLOListElement>(null);
  const headline = useMemo(() => runHeadline(outline, all), [outline, all]);
  const current = events.length > 0 ? events[events.length - 1].id : null;
  const failure = events.find((event) => event.phase === "action" && event.outcome === "failed")?.id ?? null;
  const runStatus = useMemo(() => replay(outline, all).status, [outline, all]);
  const finished = isTerminal(runStatus);
  const target = replaying ? current : (failure ?? (finished ? null : current));
  const align = !replaying && target !== null && target === failure ? "top" : "nearest";

  // Once the reader scrolls the list, it stays where they put it until the replay moves.
  const touched = useRef(false);
  useEffect(() => {
    touched.current = false;
  }, [target]);
  const count = events.length;

  useEffect(() => {
    const box = list.current;
    const item = target === null ? null : box?.querySelector<HTMLElement>(`[data-event-id="${target}"]`);
    // Again as events arrive (the log comes in over the stream): the list may not have been tall enough yet.
    if (!box || !item || touched.current) return;
    // The list's own scroll only, never the page's: scrollIntoView would move the page to it as well.
    const top = item.offsetTop;
    const bottom = top + item.offsetHeight;
    if (align === "top") box.scrollTop = top;
    else if (top < box.scrollTop) box.scrollTop = top;
    else if (bottom > box.scrollTop + box.clientHeight) box.scrollTop = bottom - box.clientHeight;
  }, [target, align, count]);

  if (events.length === 0) return <p className="text-sm text-slate-500 dark:text-slate-400">No events yet.</p>;
  return (
    <div className="space-y-3">
      <p
        data-testid="story-summary"
        data-status={runStatus}
        className={`rounded-md border-l-4 bg-slate-50 px-3 py-2 text-sm font-medium dark:bg-slate-800/60 ${headlineEdge[runStatus]}`}
      >
        {headline}
      </p>
      {/* As tall as most of the screen before it scrolls; it snaps to whole transitions, so none is cut through at the top. */}
      <ol
        ref={list}
        data-testid="story-list"
        onWheel={() => (touched.current = true)}
        onTouchStart={() => (touched.current = true)}
        onKeyDown={() => (touched.current = true)}
        className="relative max-h-[min(44rem,calc(100dvh-10rem))] snap-y snap-proximity space-y-2 overflow-y-auto text-sm"
        aria-label="Each transition, and why"
      >
        {events.map((event, index) => (
          <li
            key={event.id}
            data-testid="story-item"
            data-event-id={event.id}
            className={`snap-start rounded-md px-2 py-1.5 ${index === events.length - 1 ? "bg-sky-50 dark:bg-sky-950/40" : event.id === failure ? "bg-red-50 dark:bg-red-950/30" : ""}`}
          >
            <p className="font-medium">{transitionLabel(event)}</p>
            <p data-testid="story-why" className="text-slate-600 dark:text-slate-300">
              {why(outline, all, index)}
            </p>
            {event.detail && (
              <p data-testid="service-log" className="mt-0.5 font-mono text-xs text-slate-500 wrap-anywhere dark:text-slate-400">
                {/* Who said it: the step's action, or its compensation. */}
                {event.phase === "compensation" && event.position !== null
                  ? `${outline.steps[event.position]?.compensation ?? event.step}: `
                  : event.step
                    ? `${event.step}: `
                    : ""}
                {event.detail}
              </p>
            )}
          </li>
        ))}
      </ol>
    </div>
  );
}

function Card({ title, headingId, note, children }: { title: string; headingId: string; note?: ReactNode; children: ReactNode }) {
  return (
    <section
      aria-labelledby={headingId}
      className="rounded-2xl border border-slate-200 bg-white p-4 shadow-sm sm:p-5 dark:border-slate-800 dark:bg-slate-900"
    >
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
