import type { Locator } from "@playwright/test";
import { expect, resetDemo, test } from "./fixtures";
import { expectFinalStatus, openDashboard, placeScenario } from "./dashboard";

test.use({ viewport: { width: 390, height: 844 } });

/** The visible texts in `scope` that are cut off (an ellipsis, or clipped by their box). */
function truncated(scope: Locator): Promise<string[]> {
  return scope.evaluate((root) =>
    [...root.querySelectorAll<HTMLElement>("p, span, a, h2, dt, dd")]
      .filter((element) => element.getClientRects().length > 0 && !element.closest(".sr-only") && element.textContent?.trim())
      .filter((element) => element.scrollWidth > element.clientWidth + 1 && getComputedStyle(element).overflowX !== "visible")
      .map((element) => element.textContent!.trim()),
  );
}

test("on a phone the live saga's header and step labels are shown in full", async ({ page, request }) => {
  await resetDemo(request);
  await openDashboard(page);
  const live = page.getByRole("region", { name: "Live saga" });
  expect(await truncated(live), "before an order").toEqual([]);
  await placeScenario(page, "shipping-failure", "1x");
  await expectFinalStatus(page, "failed", "Shipping address invalid");
  await expect(page.getByTestId("placed-order")).toHaveText("user_3 · 1 × product_1 · $50.00");
  expect(await truncated(live), "after a compensated saga").toEqual([]);
});

test("on a phone the timeline page's step labels are shown in full", async ({ page, request }) => {
  await resetDemo(request);
  await openDashboard(page);
  await placeScenario(page, "shipping-failure", "1x");
  await expectFinalStatus(page, "failed", "Shipping address invalid");
  await page.getByTestId("timeline-link").click();
  const gantt = page.getByRole("list", { name: "Steps and compensations on a time axis" });
  await expect(gantt.getByTestId("gantt-row")).toHaveCount(7);
  await expect(gantt).toContainText("compensation of process_payment");
  expect(await truncated(gantt)).toEqual([]);
});
