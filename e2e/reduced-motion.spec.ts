import { expect, resetDemo, test } from "./fixtures";
import { expectFinalStatus, openDashboard, placeScenario } from "./dashboard";

const compensatingStep = "[data-testid^='step-'][data-status='compensating']";
const runningAnimations = (page: import("@playwright/test").Page) => page.evaluate(() => document.getAnimations().length);

test("the compensation moves when motion is welcome", async ({ page, request }) => {
  await resetDemo(request);
  await openDashboard(page);
  await placeScenario(page, "shipping-failure", "0.25x");
  await page.waitForSelector(compensatingStep);
  expect(await runningAnimations(page)).toBeGreaterThan(0);
  await expectFinalStatus(page, "failed", "Shipping address invalid");
});

test.describe("with prefers-reduced-motion", () => {
  test.use({ reducedMotion: "reduce" });

  test("nothing on the dashboard animates, and the compensation still reads as going back", async ({ page, request }) => {
    await resetDemo(request);
    await openDashboard(page);
    await placeScenario(page, "shipping-failure", "0.25x");
    await page.waitForSelector(compensatingStep);
    expect(await runningAnimations(page)).toBe(0);
    await expect(page.locator(compensatingStep)).toContainText("Compensating, in reverse order");
    await expectFinalStatus(page, "failed", "Shipping address invalid");
  });
});
