/** Every event of one saga's log, oldest first, exactly as the stream delivered it. */
import type { LogEvent } from "@/lib/view/replay";
import { OrderStatusBadge } from "./order-status-badge";
import type { EventOutcome } from "@/lib/saga/status";

// Fixed to en-US and UTC so the server's and the browser's render agree; milliseconds matter here.
const clock = new Intl.DateTimeFormat("en-US", {
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  fractionalSecondDigits: 3,
  hourCycle: "h23",
  timeZone: "UTC",
});

const phaseLabel: Record<string, string> = { saga: "saga", action: "action", compensation: "compensation" };

export function EventLog({ events }: { events: LogEvent[] }) {
  const origin = events.length ? Date.parse(events[0].created_at) : 0;
  return (
    // Scrolls sideways on a phone; focusable so the keyboard can scroll it.
    <div
      tabIndex={0}
      role="region"
      aria-label="Event log"
      className="overflow-x-auto rounded-lg focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-sky-500"
    >
      <table className="w-full min-w-[40rem] text-left text-sm">
        <caption className="sr-only">Every event of this saga, oldest first</caption>
        <thead className="border-b border-slate-200 text-xs uppercase tracking-wide text-slate-500 dark:border-slate-800 dark:text-slate-400">
          <tr>
            <th scope="col" className="py-2 pr-3 font-medium">
              #
            </th>
            <th scope="col" className="py-2 pr-3 font-medium">
              Time (UTC)
            </th>
            <th scope="col" className="py-2 pr-3 text-right font-medium">
              Since start
            </th>
            <th scope="col" className="py-2 pr-3 font-medium">
              Step
            </th>
            <th scope="col" className="py-2 pr-3 font-medium">
              Phase
            </th>
            <th scope="col" className="py-2 pr-3 font-medium">
              Outcome
            </th>
            <th scope="col" className="py-2 font-medium">
              Error
            </th>
          </tr>
        </thead>
        <tbody>
          {events.length === 0 && (
            <tr>
              <td colSpan={7} className="py-3 text-slate-500 dark:text-slate-400">
                No events yet.
              </td>
            </tr>
          )}
          {events.map((event) => (
            <tr
              key={event.id}
              data-testid="event-row"
              data-event-id={event.id}
              className={`border-b border-slate-100 last:border-0 dark:border-slate-800/70 ${event.phase === "compensation" ? "bg-amber-50/60 dark:bg-amber-950/30" : ""}`}
            >
              <td className="whitespace-nowrap py-1.5 pr-3 tabular-nums text-slate-500 dark:text-slate-400">{event.id}</td>
              <td className="whitespace-nowrap py-1.5 pr-3 font-mono text-xs tabular-nums">
                <time dateTime={event.created_at}>{clock.format(new Date(event.created_at))}</time>
              </td>
              <td className="whitespace-nowrap py-1.5 pr-3 text-right font-mono text-xs tabular-nums">
                +{Date.parse(event.created_at) - origin} ms
              </td>
              <td className="whitespace-nowrap py-1.5 pr-3 font-mono text-xs">{event.step ?? "—"}</td>
              <td className="py-1.5 pr-3">{phaseLabel[event.phase] ?? event.phase}</td>
              <td className="py-1.5 pr-3">
                <OrderStatusBadge status={event.outcome as EventOutcome} />
              </td>
              {/* The one column that wraps: an error is read in full, never clipped at the card's edge. */}
              <td data-testid="event-error" className="py-1.5 text-red-700 wrap-anywhere dark:text-red-300">
                {event.error ?? ""}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
