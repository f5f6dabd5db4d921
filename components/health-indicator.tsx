"use client";
import { useHealth } from "@/lib/client/hooks";

type StreamStatus = "connecting" | "open" | "closed";

/** The API's health check and whether the dashboard's live stream is connected, as one pill. */
export function HealthIndicator({ stream }: { stream: StreamStatus }) {
  const health = useHealth();
  const healthy = health.data?.status === "healthy";
  const level = health.isError ? "down" : !healthy ? "checking" : stream === "open" ? "live" : "degraded";
  const { dot, text } = {
    live: { dot: "bg-emerald-500", text: "API healthy · live" },
    degraded: { dot: "bg-amber-500", text: stream === "closed" ? "API healthy · stream closed" : "API healthy · reconnecting" },
    checking: { dot: "bg-slate-400", text: "Checking API…" },
    down: { dot: "bg-red-500", text: "API unreachable" },
  }[level];
  return (
    <p
      data-testid="health"
      data-health={level}
      className="flex items-center gap-2 rounded-full border border-slate-200 px-3 py-1 text-xs font-medium text-slate-700 dark:border-slate-700 dark:text-slate-200"
    >
      <span aria-hidden className={`size-2 rounded-full ${dot} ${level === "live" ? "motion-safe:animate-pulse" : ""}`} />
      <span role="status">{text}</span>
    </p>
  );
}
