"use client";
import { useSyncExternalStore } from "react";
import { clockTime } from "@/lib/client/format";

const never = () => () => {};

/**
 * The time of day of `iso` in the viewer's time zone, as the dashboard's Recent orders shows it, on a page
 * the server renders: the server's render (and hydration) say it in UTC, and the browser then in its own
 * zone, so hydration never sees two different texts.
 */
export function LocalTime({ iso }: { iso: string }) {
  const hydrated = useSyncExternalStore(
    never,
    () => true,
    () => false,
  );
  return (
    <time dateTime={iso} className="tabular-nums">
      {clockTime(iso, hydrated ? undefined : "UTC")}
    </time>
  );
}
