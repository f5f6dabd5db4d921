"use client";
import { formatSignedCount } from "@/lib/client/format";
import { useInventory } from "@/lib/client/hooks";
import type { Highlight } from "@/lib/client/use-change-highlights";
import { LiveValuesCard } from "./live-values-card";

// Stock only rises when a compensation releases a reservation (or the demo is reset).
const describeChange = ({ delta, cause }: Highlight) =>
  `${formatSignedCount(delta)}${cause === "reset" ? " reset" : delta > 0 ? " released" : ""}`;

export function InventoryCard({ names, resetRequestedAt }: { names: Record<string, string>; resetRequestedAt: number | null }) {
  const inventory = useInventory();
  return (
    <LiveValuesCard
      title="Inventory"
      testIdPrefix="stock"
      values={inventory.data}
      failed={inventory.isError}
      names={names}
      format={String}
      describeChange={describeChange}
      resetRequestedAt={resetRequestedAt}
    />
  );
}
