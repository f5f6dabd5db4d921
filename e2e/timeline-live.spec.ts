import type { Page } from "@playwright/test";
import { expect, resetDemo, test } from "./fixtures";
import { eventLog, placeOrder, renderedDiagram, shownEventIds, startOrder } from "./timeline";

// A first request to a fresh server is slow (the route's modules load); a timeline opened after a
// two-second saga started must not arrive after its end, so each journey first opens one already done.
test.beforeEach(async ({ page, request }) => {
  await resetDemo(request);
  const warmUp = await placeOrder(request, { user_id: "user_1", product_id: "product_1", quantity: 1, amount: 1 });
  await page.goto(`/timeline/${warmUp.saga_id}`);
  await expect(page.getByTestId("saga-status")).toHaveAttribute("data-status", "completed");
});

/**
 * Records each distinct state of the saga status and the running bars as the page renders it: a step
 * lasts under a second, too short to be sure of catching by polling.
 */
async function recordTimelineStates(page: Page): Promise<() => Promise<string[]>> {
  await page.addInitScript(() => {
    const states: string[] = [];
    (window as unknown as { timelineStates: string[] }).timelineStates = states;
    new MutationObserver(() => {
      const status = document.querySelector("[data-testid=saga-status]");
      if (!status) return;
      const live = status.textContent?.includes("Live") ? "live" : "not live";
      const running = document.querySelectorAll("[data-testid=gantt-bar][data-status=running]").length;
      const state = `${status.getAttribute("data-status")}, ${live}, running bars: ${running}`;
      if (states.at(-1) !== state) states.push(state);
    }).observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
  });
  return () => page.evaluate(() => (window as unknown as { timelineStates: string[] }).timelineStates);
}

test("the timeline follows a running saga live, to its final status, without a reload", async ({ page, request }) => {
  const states = await recordTimelineStates(page);
  // A quarter of the speed: the four steps take about two seconds.
  const { saga_id } = await startOrder(request, {
    user_id: "user_1",
    product_id: "product_1",
    quantity: 2,
    amount: 100,
    simulation: { speed: 0.25 },
  });
  await page.goto(`/timeline/${saga_id}`);
  await page.evaluate(() => ((window as unknown as { sameDocument: boolean }).sameDocument = true));

  await expect(page.getByTestId("saga-status")).toHaveAttribute("data-status", "completed");
  // On the way it showed a running step, live.
  expect(await states()).toContain("processing, live, running bars: 1");
  await expect(page.getByTestId("order-status")).toHaveAttribute("data-status", "completed");
  await expect(page.locator("[data-testid=gantt-bar][data-kind=action][data-status=completed]")).toHaveCount(4);
  await expect(page.locator("[data-testid=gantt-bar][data-kind=compensation]")).toHaveCount(0);
  const events = await eventLog(request, saga_id);
  await expect(page.getByTestId("event-row")).toHaveCount(events.length);
  expect(await shownEventIds(page)).toEqual(events.map((event) => event.id));

  // The diagram followed too: every step ends green.
  const diagram = await renderedDiagram(page);
  await expect(diagram.locator("svg g.node.completed[id*=step]")).toHaveCount(4);
  expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
});

test("a compensating saga turns amber live; a screenshot of it is kept", async ({ page, request }, testInfo) => {
  // The seed's shipping failure: the three steps before shipping are undone, last first. A tenth of the
  // speed makes the compensations last three seconds, long enough to catch for the screenshot even
  // while the browser is busy drawing a diagram.
  const { saga_id } = await startOrder(request, {
    user_id: "user_3",
    product_id: "product_1",
    quantity: 1,
    amount: 50,
    simulation: { speed: 0.1 },
  });
  await page.goto(`/timeline/${saga_id}`);

  await page.locator("[data-testid=saga-status][data-status=compensating]").waitFor({ timeout: 20_000 });
  await expect(page.locator("[data-testid=gantt-bar][data-kind=compensation]").first()).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath("compensating-timeline.png"), fullPage: true });

  await expect(page.getByTestId("saga-status")).toHaveAttribute("data-status", "failed", { timeout: 20_000 });
  await expect(page.getByTestId("saga-status")).toContainText("Shipping address invalid");
  const compensations = await page
    .locator("[data-testid=gantt-row][data-kind=compensation]")
    .evaluateAll((rows) => rows.map((row) => `${row.getAttribute("data-step")}:${row.getAttribute("data-status")}`));
  expect(compensations).toEqual(["process_payment:compensated", "reserve_inventory:compensated", "validate_order:compensated"]);
});
