import { expect, resetDemo, test } from "./fixtures";
import { expectFinalStatus, openDashboard, placeScenario } from "./dashboard";

test.use({ viewport: { width: 1400, height: 900 } });

test("on a 1400x900 laptop screen, Place order is on the first screen, below scenario chips whose titles line up", async ({
  page,
  request,
}) => {
  await resetDemo(request);
  await openDashboard(page);
  const button = await page.getByRole("button", { name: "Place order" }).boundingBox();
  expect(button).not.toBeNull();
  expect(button!.y).toBeGreaterThanOrEqual(0);
  expect(button!.y + button!.height, "the button's bottom edge is within the 900 px viewport").toBeLessThanOrEqual(900);
  expect(await page.evaluate(() => window.scrollY)).toBe(0);

  // Chips side by side share their top edge, and each title starts at the same offset inside its chip.
  const chips = await page.locator("[data-testid^='scenario-']").evaluateAll((elements) =>
    elements
      .filter((element) => element.tagName === "BUTTON")
      .map((element) => {
        const box = element.getBoundingClientRect();
        const title = element.querySelector("span:not([aria-hidden]):not(.sr-only)")!.getBoundingClientRect();
        return { top: Math.round(box.top), height: Math.round(box.height), titleTop: Math.round(title.top - box.top) };
      }),
  );
  expect(chips).toHaveLength(9);
  const rows = new Map<number, typeof chips>();
  for (const chip of chips) rows.set(chip.top, [...(rows.get(chip.top) ?? []), chip]);
  expect(rows.size).toBeLessThanOrEqual(4);
  for (const row of rows.values()) {
    expect(new Set(row.map((chip) => chip.height)).size, "chips of a row are as tall as each other").toBe(1);
  }
  expect(new Set(chips.map((chip) => chip.titleTop)).size, "every title starts at the same height in its chip").toBe(1);
});

test("a finished validation row says there was nothing to undo, not that it was undone", async ({ page, request }) => {
  await resetDemo(request);
  await openDashboard(page);
  await expect(page.getByTestId("step-validate_order-undo")).toHaveText(/nothing to undo/);
  await placeScenario(page, "shipping-failure", "1x");
  await expectFinalStatus(page, "failed", "Shipping address invalid");
  const validation = page.getByTestId("step-validate_order");
  await expect(validation).toHaveAttribute("data-status", "compensated");
  await expect(page.getByTestId("step-validate_order-undo")).toHaveText("↩Nothing to undo");
  await expect(validation).not.toContainText("No compensation");
  await expect(validation).not.toContainText("undone");
  // The steps that did change something still say what undid them.
  await expect(page.getByTestId("step-process_payment-undo")).toHaveText("↩Refund payment · undone");
});

test("the timeline page's event log shows each error in full at 1400 px", async ({ page, request }) => {
  await resetDemo(request);
  await openDashboard(page);
  await placeScenario(page, "shipping-failure", "1x");
  await expectFinalStatus(page, "failed", "Shipping address invalid");
  await page.getByTestId("timeline-link").click();
  const log = page.locator("[role=region][aria-label='Event log']");
  await expect(log.getByTestId("event-row")).toHaveCount(18);
  const errors = log.getByTestId("event-error").filter({ hasText: "Shipping address invalid" });
  await expect(errors).toHaveCount(2);
  const frame = (await log.boundingBox())!;
  for (const cell of await errors.all()) {
    await expect(cell).toBeVisible();
    const box = (await cell.boundingBox())!;
    expect(box.x + box.width, "the error cell ends inside the log's frame").toBeLessThanOrEqual(frame.x + frame.width + 0.5);
    expect(await cell.evaluate((element) => element.scrollWidth <= element.clientWidth)).toBe(true);
  }
  expect(await log.evaluate((element) => element.scrollWidth <= element.clientWidth), "nothing hidden sideways").toBe(true);
});
