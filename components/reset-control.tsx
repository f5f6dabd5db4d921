"use client";
import { useEffect, useRef, useState } from "react";
import { useReset } from "@/lib/client/hooks";

/**
 * Restores the demo data, after a second, explicit "Confirm reset" (it forgets every order). The
 * confirmation takes the focus so a keyboard user confirms with Enter or backs out with Escape.
 */
export function ResetControl({ onRequested, onDone }: { onRequested: () => void; onDone: () => void }) {
  const reset = useReset();
  const [confirming, setConfirming] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  const confirmButton = useRef<HTMLButtonElement>(null);
  const startButton = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (confirming) confirmButton.current?.focus();
  }, [confirming]);

  useEffect(() => {
    if (!message) return;
    const timer = setTimeout(() => setMessage(null), 4_000);
    return () => clearTimeout(timer);
  }, [message]);

  const cancel = () => {
    setConfirming(false);
    // Give the focus back to where it was, not to the page's start.
    requestAnimationFrame(() => startButton.current?.focus());
  };

  const confirm = () => {
    onRequested();
    reset.mutate(undefined, {
      onSuccess: () => {
        setMessage("Demo data restored.");
        onDone();
        cancel();
      },
      onError: () => setMessage("Reset failed: the API did not answer."),
    });
  };

  const base =
    "rounded-md px-3 py-1.5 text-sm font-medium focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-offset-2 focus-visible:ring-offset-white dark:focus-visible:ring-offset-slate-900 disabled:opacity-60";

  return (
    <div className="relative flex items-center gap-2" onKeyDown={(event) => event.key === "Escape" && confirming && cancel()}>
      {confirming ? (
        <>
          <span className="hidden text-xs text-slate-600 sm:inline dark:text-slate-300">Forget this demo&apos;s orders?</span>
          <button
            ref={confirmButton}
            type="button"
            onClick={confirm}
            disabled={reset.isPending}
            className={`${base} bg-red-600 text-white hover:bg-red-700 focus-visible:ring-red-500`}
          >
            {reset.isPending ? "Resetting…" : "Confirm reset"}
          </button>
          <button
            type="button"
            onClick={cancel}
            disabled={reset.isPending}
            className={`${base} border border-slate-300 hover:bg-slate-100 focus-visible:ring-sky-500 dark:border-slate-600 dark:hover:bg-slate-800`}
          >
            Cancel
          </button>
        </>
      ) : (
        <button
          ref={startButton}
          type="button"
          onClick={() => setConfirming(true)}
          className={`${base} border border-slate-300 hover:bg-slate-100 focus-visible:ring-sky-500 dark:border-slate-600 dark:hover:bg-slate-800`}
        >
          Reset demo
        </button>
      )}
      {/* Floats below the buttons, so the header does not reflow when it appears. */}
      <span
        role="status"
        className={
          message
            ? "absolute right-0 top-full z-10 mt-2 whitespace-nowrap rounded-md bg-slate-900 px-2 py-1 text-xs text-white shadow dark:bg-slate-100 dark:text-slate-900"
            : "sr-only"
        }
      >
        {message}
      </span>
    </div>
  );
}
