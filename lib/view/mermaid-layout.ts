/**
 * How the app's Mermaid lays its diagrams out: narrower than Mermaid's defaults, so that a diagram
 * fitted to a 1,200 px box keeps text of about 14 px or more. Flowcharts and state diagrams: closer
 * nodes, labels wrapped at 160 px. Sequence diagrams: messages and notes wrap within the lanes instead
 * of pushing them apart, on narrower lanes. (Wrapping breaks a sequence note that holds a `<br>`: the
 * diagrams here write none.) Pure and client-safe: the page's Mermaid and the tests that render the
 * diagrams with the real Mermaid use the same settings.
 */
export const mermaidLayout = {
  flowchart: { nodeSpacing: 30, rankSpacing: 40, wrappingWidth: 160 },
  state: { nodeSpacing: 30, rankSpacing: 40 },
  sequence: { wrap: true, width: 140, actorMargin: 20 },
};
