// The generated diagrams, with hostile names in every label, rendered by the real Mermaid (the same
// package the app loads) under securityLevel "strict": each renders, shows the names as text, and
// nothing in them becomes an element, a link or a script.
import { createRequire } from "node:module";
import { workflowDiagrams, sagaRunDiagram } from "../lib/view/diagrams";
import { mermaidLayout } from "../lib/view/mermaid-layout";
import { sagaSequenceDiagram } from "../lib/view/sequence";
import type { SagaOutline } from "../lib/view/outline";
import { replay, type LogEvent } from "../lib/view/replay";
import { expect, test } from "./fixtures";

const hostile = [
  `"]; click A call alert(1) %%`,
  `<img src=x onerror=window.__xss=1>`,
  "%%{init: {'securityLevel':'loose'}}%%",
  "end note",
  "`**md**` $$x$$",
];

const outline: SagaOutline = {
  name: "hostile",
  subject: hostile[1],
  steps: hostile.map((text, i) => ({ name: `${text} ${i}`, compensation: `${hostile[(i + 1) % hostile.length]} undo`, durationMs: 1 })),
};

const at = (ms: number) => new Date(Date.UTC(2026, 0, 1) + ms).toISOString();
const events: LogEvent[] = [
  { id: 1, saga_id: "s", order_id: "o", position: null, step: null, phase: "saga", outcome: "processing", error: null, created_at: at(0) },
  {
    id: 2,
    saga_id: "s",
    order_id: "o",
    position: 0,
    step: outline.steps[0].name,
    phase: "action",
    outcome: "running",
    error: null,
    created_at: at(1),
  },
  {
    id: 3,
    saga_id: "s",
    order_id: "o",
    position: 0,
    step: outline.steps[0].name,
    phase: "action",
    outcome: "completed",
    error: null,
    created_at: at(2),
  },
  {
    id: 4,
    saga_id: "s",
    order_id: "o",
    position: 1,
    step: outline.steps[1].name,
    phase: "action",
    outcome: "running",
    error: null,
    created_at: at(3),
  },
  {
    id: 5,
    saga_id: "s",
    order_id: "o",
    position: 1,
    step: outline.steps[1].name,
    phase: "action",
    outcome: "failed",
    error: hostile[1],
    created_at: at(4),
  },
];

test("hostile names in every diagram render as text under Mermaid's strict security level", async ({ page }) => {
  const dialogs: string[] = [];
  page.on("dialog", (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  await page.setContent(`<main id="out"></main>`);
  await page.addScriptTag({ path: createRequire(import.meta.url).resolve("mermaid/dist/mermaid.min.js") });
  const sources = [
    ...workflowDiagrams(outline).map((diagram) => diagram.source),
    sagaRunDiagram(outline, replay(outline, events)),
    sagaSequenceDiagram(outline, events),
  ];

  for (const [index, source] of sources.entries()) {
    const result = await page.evaluate(
      async ({ index, source, layout }) => {
        const mermaid = (window as unknown as { mermaid: typeof import("mermaid").default }).mermaid;
        // As the app draws them: its layout settings, sequence messages wrapping within their lanes.
        mermaid.initialize({ startOnLoad: false, securityLevel: "strict", suppressErrorRendering: true, ...layout });
        const out = document.getElementById("out")!;
        out.innerHTML = (await mermaid.render(`diagram${index}`, source)).svg;
        return {
          text: out.textContent ?? "",
          injected: out.querySelectorAll("img, script, iframe, foreignObject *[onerror], a[href], [onclick]").length,
        };
      },
      { index, source, layout: mermaidLayout },
    );
    expect(result.injected, source.split("\n")[0]).toBe(0);
    // As text: a sequence diagram wraps it over lines, so compare without the spaces where lines break.
    expect(result.text.replace(/\s+/g, "")).toContain("<imgsrc=xonerror=window.__xss=1>");
  }
  expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
  expect(dialogs).toEqual([]);
});
