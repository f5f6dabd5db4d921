"use client";
/**
 * Remembers the last values a card showed and reports each change for a few seconds, so a card can
 * flash "-2" or "+$50.00 refund" beside the value that moved. Values come from the queries the live
 * stream refreshes, so a change is whatever the database says changed between two reads.
 */
import { useEffect, useRef, useState } from "react";

export interface Highlight {
  delta: number;
  /** A change read just after the user asked for a reset is the reset, not a refund or a release. */
  cause: "saga" | "reset";
  /** Distinct per change, so a repeated change restarts its animation. */
  key: number;
}

const RESET_WINDOW_MS = 5_000;

export function useChangeHighlights(
  values: Record<string, number> | undefined,
  resetRequestedAt: number | null,
  holdMs = 4_000,
): Record<string, Highlight> {
  const previous = useRef<Record<string, number> | undefined>(undefined);
  const counter = useRef(0);
  const timers = useRef(new Set<ReturnType<typeof setTimeout>>());
  const [highlights, setHighlights] = useState<Record<string, Highlight>>({});

  useEffect(() => {
    if (!values) return;
    const before = previous.current;
    previous.current = values;
    if (!before || before === values) return;
    const cause = resetRequestedAt !== null && Date.now() - resetRequestedAt < RESET_WINDOW_MS ? "reset" : "saga";
    const changed: Record<string, Highlight> = {};
    for (const [id, value] of Object.entries(values)) {
      const old = before[id];
      if (old === undefined || old === value) continue;
      // Money arrives as dollars: round the difference to cents so 0.1 + 0.2 never shows up.
      const delta = Math.round((value - old) * 100) / 100;
      const key = ++counter.current;
      changed[id] = { delta, cause, key };
      const timer = setTimeout(() => {
        timers.current.delete(timer);
        setHighlights((current) => {
          if (current[id]?.key !== key) return current;
          const { [id]: _expired, ...rest } = current;
          return rest;
        });
      }, holdMs);
      timers.current.add(timer);
    }
    // eslint-disable-next-line react-hooks/set-state-in-effect -- a change shows against the last values read (a ref)
    if (Object.keys(changed).length > 0) setHighlights((current) => ({ ...current, ...changed }));
  }, [values, resetRequestedAt, holdMs]);

  useEffect(() => {
    const pending = timers.current;
    return () => pending.forEach(clearTimeout);
  }, []);

  return highlights;
}
