"use client";
import { formatDollars, formatSignedDollars } from "@/lib/client/format";
import { useBalances } from "@/lib/client/hooks";
import type { Highlight } from "@/lib/client/use-change-highlights";
import { LiveValuesCard } from "./live-values-card";

// A balance only rises when a compensation refunds a payment (or the demo is reset).
const describeChange = ({ delta, cause }: Highlight) =>
  `${formatSignedDollars(delta)}${cause === "reset" ? " reset" : delta > 0 ? " refund" : ""}`;

export function BalancesCard({ names, resetRequestedAt }: { names: Record<string, string>; resetRequestedAt: number | null }) {
  const balances = useBalances();
  return (
    <LiveValuesCard
      title="Balances"
      testIdPrefix="balance"
      values={balances.data}
      failed={balances.isError}
      names={names}
      format={formatDollars}
      describeChange={describeChange}
      resetRequestedAt={resetRequestedAt}
    />
  );
}
