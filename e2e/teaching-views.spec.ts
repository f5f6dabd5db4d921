// Issue 20, items 1, 2, 4 and 5, as a newcomer sees them: every diagram fits its box and can be opened at
// full size, a replay draws the Gantt on the scale of the whole run, the no-op compensation of Validate
// order is greyed out as "nothing to undo" with no time, and the story of a run leads with one line.
import type { Locator, Page } from "@playwright/test";
import { expect, resetDemo, test } from "./fixtures";
import { expectFinalStatus, openDashboard, placeScenario } from "./dashboard";
import { eventLog, placeOrder, renderedDiagram } from "./timeline";

const shippingFailure = { user_id: "user_3", product_id: "product_1", quantity: 1, amount: 50 };
const insufficientInventory = { user_id: "user_1", product_id: "product_1", quantity: 200, amount: 100 };

const sizes = [
  { name: "laptop", width: 1400, height: 1000 },
  { name: "phone", width: 390, height: 844 },
];

/** How a drawn diagram sits in its box: widths in CSS pixels, and the size its 16 px labels are drawn at. */
async function fit(diagram: Locator) {
  return diagram.evaluate((element) => {
    // The box the drawing is shown in: the diagram's first image (the full-size view's is in a closed dialog).
    const canvas = element.querySelector<HTMLElement>("[role=img]")!;
    const svg = canvas.querySelector("svg")!;
    const drawn = svg.getBoundingClientRect().width;
    return { box: canvas.clientWidth, drawn, natural: svg.viewBox.baseVal.width, labelPx: (16 * drawn) / svg.viewBox.baseVal.width };
  });
}

async function expectFitted(diagram: Locator, what: string, readable: boolean) {
  await diagram.scrollIntoViewIfNeeded();
  await expect(diagram, what).toHaveAttribute("data-rendered", "true");
  const seen = await fit(diagram);
  expect(seen.drawn, `${what}: drawn ${seen.drawn} px wide in a ${seen.box} px box`).toBeLessThanOrEqual(seen.box + 0.5);
  // Cut off nowhere: the box does not scroll sideways, and neither does the page.
  expect(
    await diagram
      .getByRole("img")
      .first()
      .evaluate((canvas) => canvas.scrollWidth <= canvas.clientWidth),
    what,
  ).toBe(true);
  if (readable) expect(seen.labelPx, `${what}: its labels are drawn at ${seen.labelPx.toFixed(1)} px`).toBeGreaterThanOrEqual(13);
}

/** "Full size" shows the drawing at its natural width in a dialog that scrolls; Escape closes it. */
async function expectFullSize(page: Page, diagram: Locator, what: string) {
  const { natural } = await fit(diagram);
  await diagram.getByTestId("diagram-full-size").click();
  const dialog = page.getByRole("dialog");
  await expect(dialog, what).toBeVisible();
  const full = dialog.getByTestId("diagram-full").locator("svg");
  await expect(full).toBeVisible();
  const width = await full.evaluate((svg) => svg.getBoundingClientRect().width);
  expect(Math.abs(width - natural), `${what}: full size is ${width} px, its drawing ${natural} px`).toBeLessThanOrEqual(1);
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
}

for (const size of sizes) {
  test.describe(`at ${size.width}x${size.height}`, () => {
    test.use({ viewport: { width: size.width, height: size.height } });

    test("every workflow diagram fits its card, and opens at full size", async ({ page }) => {
      await page.goto("/workflow");
      const diagrams = page.getByTestId("mermaid-diagram");
      await expect(diagrams).toHaveCount(6);
      for (let index = 0; index < 6; index++) {
        const diagram = diagrams.nth(index);
        const title = (await page.getByRole("heading", { level: 2 }).nth(index).textContent()) ?? `diagram ${index + 1}`;
        await expectFitted(diagram, title, size.width >= 1000);
      }
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth)).toBe(true);
      await expectFullSize(page, diagrams.nth(1), "Detailed service interactions");
    });

    test("a run's sequence and run diagrams fit their boxes, with no empty margin left of the client", async ({ page, request }) => {
      const placed = await placeOrder(request, shippingFailure);
      await page.goto(`/timeline/${placed.saga_id}`);
      await expect(page.getByTestId("saga-status")).toHaveAttribute("data-status", "failed");
      const sequence = await renderedDiagram(page, "Sequence diagram");
      await expectFitted(sequence, "Sequence diagram", size.width >= 1000);
      await expectFitted(await renderedDiagram(page), "Run diagram", size.width >= 1000);
      // The client's lane starts at the left edge of the drawing, not after a note's width of nothing.
      const margin = await sequence.locator("svg").evaluate((svg: SVGSVGElement) => {
        const client = [...svg.querySelectorAll<SVGGraphicsElement>("rect.actor")].map((rect) => rect.getBBox().x);
        return Math.min(...client) - svg.viewBox.baseVal.x;
      });
      expect(margin, "from the drawing's left edge to the client's lane").toBeLessThanOrEqual(60);
      await expectFullSize(page, sequence, "Sequence diagram");
    });
  });
}

/** The Gantt's axis labels, in milliseconds: the row of times under the bars. */
async function axis(page: Page): Promise<number[]> {
  const gantt = page.getByRole("region", { name: "Timeline", exact: true });
  const labels = (await gantt.locator("div[aria-hidden] > div > span").allTextContents()).filter((label) => /^\d/.test(label));
  return labels.map((label) => (label.endsWith(" s") ? parseFloat(label) * 1000 : parseFloat(label)));
}

test("mid-replay the Gantt keeps the whole run's time axis, ending at its last event", async ({ page, request }) => {
  const placed = await placeOrder(request, shippingFailure);
  const events = await eventLog(request, placed.saga_id);
  const log = (await (await request.get(`/api/sagas/${placed.saga_id}/events`)).json()).events as { created_at: string }[];
  // The run's length, from its first event to its last: where the axis must end.
  const lasted = Date.parse(log[log.length - 1].created_at) - Date.parse(log[0].created_at);
  await page.goto(`/timeline/${placed.saga_id}`);
  await expect(page.getByTestId("event-row")).toHaveCount(events.length);
  await expect(page.getByTestId("replay-position")).toContainText(`Event ${events.length} of ${events.length}`);
  const whole = await axis(page);
  expect(Math.max(...whole)).toBeLessThanOrEqual(lasted);
  expect(Math.max(...whole)).toBeGreaterThanOrEqual(lasted / 2);

  // Back to an early event: the same axis, not one that runs on to "now".
  for (const index of [4, 9]) {
    await page.getByTestId("replay-slider").fill(String(index));
    await expect(page.getByTestId("replay-position")).toContainText(`Event ${index + 1} of ${events.length}`);
    await expect.poll(() => axis(page), `the axis at event ${index + 1}`).toEqual(whole);
  }
});

test("the no-op compensation of Validate order is greyed out as nothing to undo, with no time, and the banner says nothing was undone", async ({
  page,
  request,
}) => {
  await resetDemo(request);
  await openDashboard(page);
  await placeScenario(page, "insufficient-inventory", "1x");
  await expectFinalStatus(page, "failed", "Insufficient inventory");

  const validation = page.getByTestId("step-validate_order");
  await expect(validation).not.toContainText(/compensated/i);
  await expect(validation.getByTestId("nothing-to-undo")).toHaveText("Nothing to undo");
  // Grey like a pending step's pill, not amber.
  const background = (pill: Locator) => pill.evaluate((element) => getComputedStyle(element).backgroundColor);
  expect(await background(validation.getByTestId("nothing-to-undo"))).toEqual(
    await background(page.getByTestId("step-ship_order").locator("[data-status=pending]")),
  );
  const live = page.getByRole("region", { name: "Live saga" });
  await expect(live).not.toContainText("steps were undone");
  await expect(page.getByTestId("saga-direction")).toHaveText("Nothing was undone: Validate order had changed nothing");

  // The timeline page: no bar and no time for it in the Gantt, no call in the diagrams.
  await page.getByTestId("timeline-link").click();
  await expect(page.getByTestId("saga-status")).toHaveAttribute("data-status", "failed");
  const row = page.locator("[data-testid=gantt-row][data-kind=compensation][data-step=validate_order]");
  await expect(row).toContainText("nothing to undo");
  expect(await row.getByTestId("gantt-bar").innerText()).not.toMatch(/\d+ ms/);
  const sequence = (await renderedDiagram(page, "Sequence diagram")).locator("svg");
  // Its lines as a reader reads them: a wrapped note's lines joined by spaces.
  const words = await sequence.evaluate((svg) => {
    const lines: string[] = [];
    const walker = document.createTreeWalker(svg, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) if (walker.currentNode.textContent?.trim()) lines.push(walker.currentNode.textContent.trim());
    return lines.join(" ");
  });
  expect(words).toContain("validate_order: nothing to undo");
  expect(words).not.toContain("no_compensation");
  const run = (await renderedDiagram(page)).locator("svg");
  const node = run.locator("g.node.noop", { hasText: "nothing to undo" });
  await expect(node).toHaveCount(2);
  await expect(node.last()).not.toContainText(/ms/);
  await expect(run).not.toContainText("no_compensation");
});

test("the banner names what was undone after a shipping failure, and not the validation", async ({ page, request }) => {
  await resetDemo(request);
  await openDashboard(page);
  await placeScenario(page, "shipping-failure", "1x");
  await expectFinalStatus(page, "failed", "Shipping address invalid");
  await expect(page.getByRole("region", { name: "Live saga" })).toContainText(
    "Undone, in reverse order: Refund payment, then Release inventory",
  );
  await expect(page.getByTestId("saga-direction")).toHaveText("↑Undone, in reverse order: Refund payment, then Release inventory");
  await expect(page.getByTestId("step-validate_order").getByTestId("nothing-to-undo")).toBeVisible();
});

test("the story leads with one line for the run, and opens at the failure", async ({ page, request }) => {
  for (const [order, summary] of [
    [
      insufficientInventory,
      /^Failed in \d+ ms at Reserve inventory \(Insufficient inventory\): nothing was undone, since Validate order had changed nothing\.$/,
    ],
    [
      shippingFailure,
      /^Failed in \d+ ms at Ship order \(Shipping address invalid\): Refund payment and Release inventory undid the earlier steps, most recent first; Validate order had nothing to undo\.$/,
    ],
  ] as const) {
    const placed = await placeOrder(request, order);
    await page.goto(`/timeline/${placed.saga_id}`);
    await expect(page.getByTestId("saga-status")).toHaveAttribute("data-status", "failed");
    const story = page.getByRole("region", { name: "What happened, and why" });
    await expect(story.getByTestId("story-summary")).toHaveText(summary);
    // The story's first thing: the summary, above the list of transitions.
    const list = story.getByTestId("story-list");
    const [summaryBox, listBox] = await Promise.all([story.getByTestId("story-summary").boundingBox(), list.boundingBox()]);
    expect(summaryBox!.y + summaryBox!.height).toBeLessThanOrEqual(listBox!.y);

    // The failure is in view inside the list without the reader scrolling, at its top where the list can scroll so far.
    const failure = story.getByTestId("story-item").filter({ hasText: /(Reserve inventory|Ship order) failed \(/ });
    await expect(failure).toHaveCount(1);
    await list.scrollIntoViewIfNeeded();
    await expect
      .poll(
        () =>
          failure.evaluate((item) => {
            const box = item.parentElement!;
            const [outer, inner] = [box.getBoundingClientRect(), item.getBoundingClientRect()];
            const inView = inner.top >= outer.top - 1 && inner.bottom <= outer.bottom + 1;
            // At the top, unless what follows it is too short to scroll that far: then the list is at its end.
            const atEnd = box.scrollTop + box.clientHeight >= box.scrollHeight - 1;
            return inView && (Math.abs(inner.top - outer.top) <= 2 || atEnd);
          }),
        "the failure is in view, at the top of the list",
      )
      .toBe(true);
  }
});
