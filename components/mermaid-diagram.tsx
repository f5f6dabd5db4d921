"use client";
/**
 * Mermaid source to SVG, in the browser. Mermaid is large, so it is imported only once a diagram
 * scrolls near the screen. The source comes from lib/view/diagrams.ts, which escapes every label, and
 * Mermaid runs with securityLevel "strict"; the SVG it returns is the one piece of markup this app
 * inserts as HTML. A new source (a live run) re-renders in the background while the previous SVG stays
 * on screen, so the page does not jump.
 */
import { useEffect, useId, useRef, useState, useSyncExternalStore } from "react";

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
    mermaid.initialize({ startOnLoad: false, securityLevel: "strict", theme, suppressErrorRendering: true });
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
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((entry) => entry.isIntersecting)) setSeen(true);
    }, { rootMargin: margin });
    observer.observe(element);
    return () => observer.disconnect();
  }, [ref, margin, seen]);
  return seen;
}

/**
 * The least a diagram is scaled down to fit its frame. Mermaid draws its labels at 16 px and scales the
 * SVG to the frame's width; a wide diagram (the service interactions) would shrink to 5 px text. Below
 * this scale it keeps a readable size (at least 12 px) and the frame scrolls sideways instead.
 */
const MIN_SCALE = 0.8;

function keepReadable(svg: SVGSVGElement | null) {
  const width = svg?.viewBox.baseVal?.width;
  if (!svg || !width) return;
  svg.style.minWidth = `${Math.round(width * MIN_SCALE)}px`;
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

  useEffect(() => {
    if (!seen) return;
    let current = true;
    // A live page changes the source once per event, and events come in bursts: once a first SVG is
    // on screen, wait a moment so a burst costs one render rather than one each.
    const timer = setTimeout(async () => {
      try {
        const mermaid = await mermaidFor(theme);
        // A fresh id each time: Mermaid looks its drawing up by id, and the previous SVG (same
        // component, still on screen) must not be the element it finds.
        const { svg } = await mermaid.render(`${baseId}-${++renders}`, source);
        if (!current || !canvas.current) return;
        canvas.current.innerHTML = svg;
        keepReadable(canvas.current.querySelector("svg"));
        hasSvg.current = true;
        setRendered(true);
        setError(null);
      } catch (reason) {
        if (current) setError(reason instanceof Error ? reason.message : String(reason));
      }
    }, hasSvg.current ? 60 : 0);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [seen, source, theme, baseId]);

  return (
    <div
      ref={frame}
      data-testid="mermaid-diagram"
      data-rendered={rendered ? "true" : "false"}
      className={`relative min-h-40 ${className}`}
    >
      {error && (
        <p role="alert" className="mb-2 rounded-md border border-red-300 bg-red-50 px-3 py-2 text-sm text-red-800 dark:border-red-800 dark:bg-red-950 dark:text-red-200">
          The diagram could not be drawn: {error}
        </p>
      )}
      {!rendered && !error && (
        <p className="absolute inset-0 flex items-center justify-center text-sm text-slate-500 dark:text-slate-400">Drawing the diagram…</p>
      )}
      {/* Scrolls sideways on a narrow screen; focusable so the keyboard can scroll it too. */}
      <div
        ref={canvas}
        role="img"
        aria-label={label}
        tabIndex={0}
        className="overflow-x-auto rounded-lg focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-sky-500 [&_svg]:mx-auto [&_svg]:h-auto"
      />
    </div>
  );
}
