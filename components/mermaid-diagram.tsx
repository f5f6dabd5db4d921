"use client";
/**
 * Mermaid source to SVG, in the browser. Mermaid is large, so it is imported only once a diagram
 * scrolls near the screen. The source comes from lib/view/diagrams.ts, which escapes every label, and
 * Mermaid runs with securityLevel "strict"; the SVG it returns is the one piece of markup this app
 * inserts as HTML. A new source (a live run) re-renders in the background while the previous SVG stays
 * on screen, so the page does not jump.
 *
 * Every diagram is drawn to fit the width of its box, so nothing is cut off at the side; the layout
 * settings (lib/view/mermaid-layout.ts) keep the app's diagrams narrow enough to stay readable at that
 * size on a laptop. "Full size" opens the same drawing at its natural size, in a dialog that scrolls
 * (on a phone above all).
 */
import { useEffect, useId, useRef, useState, useSyncExternalStore } from "react";
import { mermaidLayout } from "@/lib/view/mermaid-layout";

type Mermaid = (typeof import("mermaid"))["default"];
type Theme = "default" | "dark";

let loading: Promise<Mermaid> | null = null;
let initializedTheme: Theme | null = null;
let renders = 0;

async function mermaidFor(theme: Theme): Promise<Mermaid> {
  loading ??= import("mermaid").then((module) => module.default);
  const mermaid = await loading;
  // One theme for every diagram on the page: initialize again only when the colour scheme changes.
  if (initializedTheme !== theme) {
    mermaid.initialize({ startOnLoad: false, securityLevel: "strict", theme, suppressErrorRendering: true, ...mermaidLayout });
    initializedTheme = theme;
  }
  return mermaid;
}

const darkQuery = "(prefers-color-scheme: dark)";

function subscribeToScheme(onChange: () => void): () => void {
  const query = window.matchMedia(darkQuery);
  query.addEventListener("change", onChange);
  return () => query.removeEventListener("change", onChange);
}

function usePreferredTheme(): Theme {
  return useSyncExternalStore(
    subscribeToScheme,
    () => (window.matchMedia(darkQuery).matches ? "dark" : "default"),
    () => "default",
  );
}

/** True from the first time the element comes within `margin` of the viewport. */
function useSeen(ref: React.RefObject<HTMLElement | null>, margin = "200px"): boolean {
  const [seen, setSeen] = useState(false);
  useEffect(() => {
    const element = ref.current;
    if (!element || seen) return;
    const observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((entry) => entry.isIntersecting)) setSeen(true);
      },
      { rootMargin: margin },
    );
    observer.observe(element);
    return () => observer.disconnect();
  }, [ref, margin, seen]);
  return seen;
}

/** The drawing at its natural size, in the dialog: a copy, its id (and the ids of its markers and style) renamed. */
function showFullSize(target: HTMLDivElement | null, drawing: { svg: string; id: string } | null) {
  if (!target || !drawing) return;
  target.innerHTML = drawing.svg.split(drawing.id).join(`${drawing.id}-full`);
  const svg = target.querySelector("svg");
  const width = svg?.viewBox.baseVal?.width;
  if (svg && width) {
    svg.style.maxWidth = "none";
    svg.style.width = `${Math.ceil(width)}px`;
    svg.removeAttribute("height");
  }
}

export function MermaidDiagram({ source, label, className = "" }: { source: string; label: string; className?: string }) {
  const frame = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLDivElement>(null);
  const seen = useSeen(frame);
  const theme = usePreferredTheme();
  const baseId = `mermaid-${useId().replace(/[^A-Za-z0-9]/g, "")}`;
  const [rendered, setRendered] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const hasSvg = useRef(false);
  // The drawing as Mermaid wrote it, with its id: the full-size view shows a copy under another id.
  const drawing = useRef<{ svg: string; id: string } | null>(null);
  const dialog = useRef<HTMLDialogElement>(null);
  const full = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!seen) return;
    let current = true;
    // A live page changes the source once per event, and events come in bursts: once a first SVG is
    // on screen, wait a moment so a burst costs one render rather than one each.
    const timer = setTimeout(
      async () => {
        try {
          const mermaid = await mermaidFor(theme);
          // A fresh id each time: Mermaid looks its drawing up by id, and the previous SVG (same
          // component, still on screen) must not be the element it finds.
          const id = `${baseId}-${++renders}`;
          const { svg } = await mermaid.render(id, source);
          if (!current || !canvas.current) return;
          canvas.current.innerHTML = svg;
          drawing.current = { svg, id };
          if (dialog.current?.open) showFullSize(full.current, drawing.current);
          hasSvg.current = true;
          setRendered(true);
          setError(null);
        } catch (reason) {
          if (current) setError(reason instanceof Error ? reason.message : String(reason));
        }
      },
      hasSvg.current ? 60 : 0,
    );
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [seen, source, theme, baseId]);

  function openFullSize() {
    showFullSize(full.current, drawing.current);
    dialog.current?.showModal();
  }

  return (
    <div ref={frame} data-testid="mermaid-diagram" data-rendered={rendered ? "true" : "false"} className={`relative min-h-40 ${className}`}>
      {error && (
        <p
          role="alert"
          className="mb-2 rounded-md border border-red-300 bg-red-50 px-3 py-2 text-sm text-red-800 dark:border-red-800 dark:bg-red-950 dark:text-red-200"
        >
          The diagram could not be drawn: {error}
        </p>
      )}
      {!rendered && !error && (
        <p className="absolute inset-0 flex items-center justify-center text-sm text-slate-500 dark:text-slate-400">Drawing the diagram…</p>
      )}
      {rendered && (
        <div className="mb-2 flex justify-end">
          <button
            type="button"
            onClick={openFullSize}
            data-testid="diagram-full-size"
            className="rounded-md border border-slate-300 bg-white px-2.5 py-1 text-sm font-medium hover:bg-slate-50 focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-sky-500 dark:border-slate-700 dark:bg-slate-900 dark:hover:bg-slate-800"
          >
            <span aria-hidden>⤢ </span>Full size<span className="sr-only">: {label}</span>
          </button>
        </div>
      )}
      {/* Fitted to the box's width: Mermaid's SVG scales down to it (never up), so nothing is cut off. */}
      <div
        ref={canvas}
        role="img"
        aria-label={label}
        data-testid="diagram-canvas"
        className="rounded-lg [&_svg]:mx-auto [&_svg]:h-auto [&_svg]:w-full"
      />
      {/* The drawing at its natural size; the dialog scrolls both ways, and Escape or Close shuts it. */}
      <dialog
        ref={dialog}
        aria-label={`${label}, full size`}
        data-testid="diagram-dialog"
        onClose={() => {
          if (full.current) full.current.innerHTML = "";
        }}
        className="m-auto h-[calc(100dvh-2rem)] max-h-none w-[calc(100vw-2rem)] max-w-none overflow-hidden rounded-xl border border-slate-300 bg-white p-0 text-slate-900 shadow-xl backdrop:bg-slate-900/60 dark:border-slate-700 dark:bg-slate-950 dark:text-slate-100"
      >
        <div className="flex h-full flex-col">
          <div className="flex items-center justify-between gap-3 border-b border-slate-200 px-4 py-2 dark:border-slate-800">
            <p className="min-w-0 truncate text-sm font-medium">{label}</p>
            <form method="dialog">
              <button
                type="submit"
                data-testid="diagram-close"
                className="rounded-md border border-slate-300 px-2.5 py-1 text-sm font-medium hover:bg-slate-50 focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-sky-500 dark:border-slate-700 dark:hover:bg-slate-800"
              >
                Close
              </button>
            </form>
          </div>
          {/* Focusable, so the keyboard can scroll it. */}
          <div
            ref={full}
            role="img"
            aria-label={label}
            tabIndex={0}
            data-testid="diagram-full"
            className="min-h-0 flex-1 overflow-auto p-4 focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-inset focus-visible:ring-sky-500"
          />
        </div>
      </dialog>
    </div>
  );
}
