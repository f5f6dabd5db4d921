"use client";
import { useWorld } from "@/lib/client/hooks";

/**
 * Says whose demo data the page shows: this browser's own (a private world: nobody else sees its orders,
 * and its reset touches nothing else), or the shared world every cookie-less API client acts in.
 */
export function WorldBadge() {
  const { data: world } = useWorld();
  if (!world) return null;
  const isPrivate = world.world === "private";
  const title = isPrivate
    ? `Orders, stock and balances here are this browser's own: nobody else sees them, and "Reset demo" resets only them.` +
      (world.removed_after_idle_hours ? ` Unused for ${world.removed_after_idle_hours} hours, they are removed.` : "")
    : "This browser shares the demo data with every API client without a cookie.";
  return (
    <span
      data-testid="world-badge"
      title={title}
      className={`inline-flex items-center gap-1.5 rounded-full px-2.5 py-1 text-xs font-medium ${
        isPrivate
          ? "bg-emerald-50 text-emerald-800 ring-1 ring-emerald-200 dark:bg-emerald-950 dark:text-emerald-200 dark:ring-emerald-800"
          : "bg-amber-50 text-amber-900 ring-1 ring-amber-200 dark:bg-amber-950 dark:text-amber-200 dark:ring-amber-800"
      }`}
    >
      <svg aria-hidden="true" viewBox="0 0 16 16" className="h-3.5 w-3.5 fill-current">
        {isPrivate ? (
          <path d="M8 1a3.5 3.5 0 0 0-3.5 3.5V6H4a1.5 1.5 0 0 0-1.5 1.5v6A1.5 1.5 0 0 0 4 15h8a1.5 1.5 0 0 0 1.5-1.5v-6A1.5 1.5 0 0 0 12 6h-.5V4.5A3.5 3.5 0 0 0 8 1Zm2 5H6V4.5a2 2 0 1 1 4 0V6Z" />
        ) : (
          <path d="M5.5 7a2.5 2.5 0 1 0 0-5 2.5 2.5 0 0 0 0 5Zm5 0a2.5 2.5 0 1 0 0-5 2.5 2.5 0 0 0 0 5ZM1 13c0-2.2 2-4 4.5-4S10 10.8 10 13v1H1v-1Zm10 1v-1c0-1.4-.5-2.7-1.4-3.6A4.6 4.6 0 0 1 10.5 9C13 9 15 10.8 15 13v1h-4Z" />
        )}
      </svg>
      {isPrivate ? "Private demo: this browser's data" : "Shared demo data"}
    </span>
  );
}
